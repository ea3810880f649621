import type pg from 'pg';
import type { EmptyRedisMark, PendingTask } from './faults';
import type { Attempt, Submission } from './load';

// What must hold after the chaos, read from the private database and the recorded responses:
// every task terminal, one terminal transition each, nothing run after success, every 201
// backed by a row, no task made twice, every task back to work soon after Redis lost its data.

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const TERMINAL_SQL = `('succeeded', 'failed', 'cancelled')`;

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export async function listPending(pool: pg.Pool): Promise<PendingTask[]> {
  const { rows } = await pool.query<{
    id: string;
    status: string;
    queue: string;
    job_id: string | null;
    due_at: Date | null;
    revision: number;
  }>(
    `SELECT id, status, queue, job_id, coalesce(run_at, retry_at) AS due_at, revision FROM tasks
     WHERE status NOT IN ${TERMINAL_SQL}`,
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    queue: row.queue,
    jobId: row.job_id,
    dueAt: row.due_at,
    revision: row.revision,
  }));
}

export async function countByStatus(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM tasks GROUP BY status ORDER BY status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** Polls until no task is left non-terminal or the deadline passes; returns the seconds taken. */
export async function waitForTerminal(
  pool: pg.Pool,
  deadlineS: number,
  log: (line: string) => void,
): Promise<number | null> {
  const started = Date.now();
  let lastLog = 0;
  while (Date.now() - started < deadlineS * 1_000) {
    const counts = await countByStatus(pool).catch(() => null);
    if (counts) {
      const open = Object.entries(counts).filter(([status]) => !TERMINAL.includes(status));
      if (open.length === 0) return (Date.now() - started) / 1_000;
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`waiting for ${open.map(([status, n]) => `${n} ${status}`).join(', ')}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return null;
}

/** How many tasks ended, over how long from the first create to the last end. */
export async function readThroughput(
  pool: pg.Pool,
): Promise<{ finished: number; seconds: number }> {
  const { rows } = await pool.query<{ finished: number; seconds: number | null }>(
    `SELECT count(finished_at)::int AS finished,
            extract(epoch FROM max(finished_at) - min(created_at))::float8 AS seconds
     FROM tasks`,
  );
  return { finished: rows[0]?.finished ?? 0, seconds: rows[0]?.seconds ?? 0 };
}

/** Failed tasks by why: the planned ones (their payload fails every attempt) and the rest. */
export async function readFailures(
  pool: pg.Pool,
): Promise<{ planned: number; unplanned: Record<string, number> }> {
  const { rows } = await pool.query<{ planned: boolean; why: string; n: number }>(
    `SELECT (payload ? 'failAtStep' AND NOT payload ? 'failAttempts') AS planned,
            coalesce(error->>'code', '?') || ': ' || left(coalesce(error->>'message', ''), 100) AS why,
            count(*)::int AS n
     FROM tasks WHERE status = 'failed' GROUP BY 1, 2`,
  );
  const unplanned: Record<string, number> = {};
  let planned = 0;
  for (const row of rows) {
    if (row.planned) planned += row.n;
    else unplanned[row.why] = (unplanned[row.why] ?? 0) + row.n;
  }
  return { planned, unplanned };
}

export interface TransitionFacts {
  /** Terminal tasks without exactly one terminal transition, or any task with more than one. */
  badTerminalCounts: Array<{ id: string; status: string; terminalTransitions: number }>;
  /** Tasks with transitions after their `succeeded` one. */
  runAfterSuccess: Array<{ id: string; after: string[] }>;
}

export async function readTransitionFacts(pool: pg.Pool): Promise<TransitionFacts> {
  const counts = await pool.query<{ id: string; status: string; n: number }>(
    `SELECT t.id, t.status, count(tt.id) FILTER (WHERE tt.to_status IN ${TERMINAL_SQL})::int AS n
     FROM tasks t LEFT JOIN task_transitions tt ON tt.task_id = t.id
     GROUP BY t.id, t.status
     HAVING count(tt.id) FILTER (WHERE tt.to_status IN ${TERMINAL_SQL}) > 1
         OR (t.status IN ${TERMINAL_SQL}
             AND count(tt.id) FILTER (WHERE tt.to_status IN ${TERMINAL_SQL}) <> 1)`,
  );
  const after = await pool.query<{ id: string; after: string[] }>(
    `SELECT s.task_id AS id,
            array_agg(tt.to_status::text || ' (revision ' || tt.revision || ')' ORDER BY tt.revision) AS after
     FROM task_transitions s
     JOIN task_transitions tt ON tt.task_id = s.task_id AND tt.revision > s.revision
     WHERE s.to_status = 'succeeded'
     GROUP BY s.task_id`,
  );
  return {
    badTerminalCounts: counts.rows.map((row) => ({
      id: row.id,
      status: row.status,
      terminalTransitions: row.n,
    })),
    runAfterSuccess: after.rows,
  };
}

export interface AcceptanceFacts {
  submissions: number;
  /** Distinct task ids answered with 201. */
  acceptedIds: string[];
  /** 201 ids with no row. */
  missingRows: string[];
  rows: number;
  /** Rows whose create was never answered 201 (the client saw an error: legitimate). */
  rowsWithout201: number;
  /** Submissions whose 201s named more than one task, and keys held by more than one row. */
  duplicates: Array<{ submission: number; key?: string; ids: string[] }>;
}

export async function readAcceptanceFacts(
  pool: pg.Pool,
  plan: Submission[],
  attempts: Attempt[],
): Promise<AcceptanceFacts> {
  const idsBySubmission = new Map<number, Set<string>>();
  for (const attempt of attempts) {
    if (attempt.outcome !== 201 || !attempt.taskId) continue;
    const ids = idsBySubmission.get(attempt.submission) ?? new Set<string>();
    ids.add(attempt.taskId);
    idsBySubmission.set(attempt.submission, ids);
  }
  const acceptedIds = [...new Set([...idsBySubmission.values()].flatMap((ids) => [...ids]))];
  const { rows } = await pool.query<{ id: string; idempotency_key: string | null }>(
    'SELECT id, idempotency_key FROM tasks',
  );
  const rowIds = new Set(rows.map((row) => row.id));
  const rowsByKey = new Map<string, string[]>();
  for (const row of rows) {
    if (row.idempotency_key) {
      rowsByKey.set(row.idempotency_key, [...(rowsByKey.get(row.idempotency_key) ?? []), row.id]);
    }
  }
  const duplicates: AcceptanceFacts['duplicates'] = [];
  for (const submission of plan) {
    const answered = [...(idsBySubmission.get(submission.index) ?? [])];
    const keyed = submission.idempotencyKey ? (rowsByKey.get(submission.idempotencyKey) ?? []) : [];
    const ids = [...new Set([...answered, ...keyed])];
    if (ids.length > 1)
      duplicates.push({ submission: submission.index, key: submission.idempotencyKey, ids });
  }
  const accepted = new Set(acceptedIds);
  return {
    submissions: plan.length,
    acceptedIds,
    missingRows: acceptedIds.filter((id) => !rowIds.has(id)),
    rows: rows.length,
    rowsWithout201: rows.filter((row) => !accepted.has(row.id)).length,
    duplicates,
  };
}

export interface RecoveryFacts {
  pending: number;
  /**
   * Seconds from Redis back (empty) to the last of them running again or terminal (one that
   * ended while Redis was down counts as 0).
   */
  allBackS: number | null;
  /** The same, counted from when each could run at the earliest (a delay or a backoff). */
  allBackPastDueS: number | null;
  neverBack: Array<PendingTask & { jobBefore?: string }>;
  /** Seconds until each had ended or had its job in BullMQ again (null: not all did). */
  jobsBackS: number | null;
}

export async function readRecoveryFacts(
  pool: pg.Pool,
  empty: EmptyRedisMark | null,
  jobsBackS: number | null,
): Promise<RecoveryFacts | null> {
  if (!empty) return null;
  const { rows } = await pool.query<{ id: string; back_at: Date | null }>(
    `SELECT p.id, min(tt.at) AS back_at
     FROM unnest($1::uuid[], $2::int[]) AS p(id, revision)
     LEFT JOIN task_transitions tt ON tt.task_id = p.id AND tt.revision > p.revision
       AND tt.to_status IN ('running', 'succeeded', 'failed', 'cancelled')
     GROUP BY p.id`,
    // By revision, not time: a transition's time is its transaction's start, so one that
    // committed just after the listing can carry an earlier time than the listing.
    [empty.pending.map((task) => task.id), empty.pending.map((task) => task.revision)],
  );
  const backAt = new Map(rows.map((row) => [row.id, row.back_at]));
  let allBack = 0;
  let pastDue = 0;
  const neverBack: RecoveryFacts['neverBack'] = [];
  for (const task of empty.pending) {
    const at = backAt.get(task.id);
    if (!at) {
      neverBack.push({ ...task, jobBefore: empty.jobsBefore[task.id] });
      continue;
    }
    const from = Math.max(empty.backAt.getTime(), task.dueAt?.getTime() ?? 0);
    allBack = Math.max(allBack, (at.getTime() - empty.backAt.getTime()) / 1_000);
    pastDue = Math.max(pastDue, (at.getTime() - from) / 1_000);
  }
  const done = neverBack.length === 0;
  return {
    pending: empty.pending.length,
    allBackS: done ? allBack : null,
    allBackPastDueS: done ? pastDue : null,
    neverBack,
    jobsBackS,
  };
}
