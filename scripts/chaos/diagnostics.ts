import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';

// For a task left non-terminal: its row, its last transitions, its outbox entries and what
// BullMQ holds for its job, so a failure can be understood without rerunning it.

export interface StuckTask {
  id: string;
  status: string;
  queue: string;
  jobId: string | null;
  attempts: string;
  dueAt: string | null;
  updatedAt: string;
  error: unknown;
  lastTransitions: string[];
  outbox: string[];
  job: JobFacts;
}

/** BullMQ's state of a job ('unknown': no such job), and its facts when it exists. */
export interface JobFacts {
  state: string;
  failedReason?: string;
  attemptsMade?: number;
  stalledCounter?: number;
  processedBy?: string;
}

interface TaskRow {
  id: string;
  status: string;
  queue: string;
  job_id: string | null;
  attempts: number;
  max_attempts: number;
  due_at: Date | null;
  updated_at: Date;
  error: unknown;
}

async function hasOutboxTable(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>(
    `SELECT to_regclass('task_outbox')::text AS found`,
  );
  return rows[0]?.found != null;
}

/** Each task's last transitions, one line each, oldest first. */
export async function readTimelines(
  pool: pg.Pool,
  ids: string[],
  last: number,
): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ task_id: string; line: string }>(
    `SELECT task_id, format('r%s %s→%s at %s%s', revision, coalesce(from_status::text, '∅'), to_status,
              to_char(at, 'HH24:MI:SS.MS'), coalesce(': ' || reason, '')) AS line
     FROM (SELECT *, row_number() OVER (PARTITION BY task_id ORDER BY revision DESC) AS n
           FROM task_transitions WHERE task_id = ANY($1::uuid[])) recent
     WHERE n <= $2 ORDER BY task_id, revision`,
    [ids, last],
  );
  const timelines = new Map<string, string[]>();
  for (const row of rows)
    timelines.set(row.task_id, [...(timelines.get(row.task_id) ?? []), row.line]);
  return timelines;
}

/** A few tasks that failed although their payload would have succeeded, with their timelines. */
export async function describeUnplannedFailures(
  pool: pg.Pool,
  limit = 5,
): Promise<Array<{ id: string; timeline: string[] }>> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM tasks
     WHERE status = 'failed' AND NOT (payload ? 'failAtStep' AND NOT payload ? 'failAttempts')
     ORDER BY finished_at LIMIT $1`,
    [limit],
  );
  const timelines = await readTimelines(
    pool,
    rows.map((row) => row.id),
    10,
  );
  return rows.map((row) => ({ id: row.id, timeline: timelines.get(row.id) ?? [] }));
}

export async function describeStuckTasks(
  pool: pg.Pool,
  redisUrl: string,
  prefix: string,
): Promise<StuckTask[]> {
  const { rows } = await pool.query<TaskRow>(
    `SELECT id, status, queue, job_id, attempts, max_attempts, coalesce(run_at, retry_at) AS due_at,
            updated_at, error
     FROM tasks WHERE status NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at`,
  );
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const transitions = await readTimelines(pool, ids, 4);
  const outbox = (await hasOutboxTable(pool))
    ? await pool.query<{ task_id: string; line: string }>(
        `SELECT task_id, format('job %s due %s, %s attempts%s', job_id, to_char(due_at, 'HH24:MI:SS'),
                  attempts, coalesce(', last error: ' || last_error, '')) AS line
         FROM task_outbox WHERE task_id = ANY($1::uuid[])`,
        [ids],
      )
    : { rows: [] };
  const linesOf = (result: { rows: Array<{ task_id: string; line: string }> }, id: string) =>
    result.rows.filter((row) => row.task_id === id).map((row) => row.line);

  const jobs = await readJobs(
    redisUrl,
    prefix,
    rows.map((row) => ({ id: row.id, queue: row.queue, jobId: row.job_id })),
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    queue: row.queue,
    jobId: row.job_id,
    attempts: `${row.attempts}/${row.max_attempts}`,
    dueAt: row.due_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    error: row.error,
    lastTransitions: transitions.get(row.id) ?? [],
    outbox: linesOf(outbox, row.id),
    job: jobs.get(row.id) ?? { state: 'unread' },
  }));
}

type JobRef = { id: string; queue: string; jobId: string | null };

/** BullMQ's facts about each task's job, by task id. */
export async function readJobs(
  redisUrl: string,
  prefix: string,
  tasks: JobRef[],
): Promise<Map<string, JobFacts>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const queues = new Map<string, Queue>();
  const facts = new Map<string, JobFacts>();
  try {
    for (const task of tasks) {
      let queue = queues.get(task.queue);
      if (!queue) {
        queue = new Queue(task.queue, { connection, prefix });
        queues.set(task.queue, queue);
      }
      facts.set(
        task.id,
        task.jobId ? await describeJob(queue, task.jobId) : { state: 'no job id' },
      );
    }
    return facts;
  } finally {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    connection.disconnect();
  }
}

/** The same, one line each: what the empty-Redis fault records before it wipes. */
export async function readJobStates(
  redisUrl: string,
  prefix: string,
  tasks: JobRef[],
): Promise<Record<string, string>> {
  const facts = await readJobs(redisUrl, prefix, tasks);
  return Object.fromEntries([...facts].map(([id, job]) => [id, formatJob(job)]));
}

export function formatJob(job: JobFacts): string {
  return Object.entries(job)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

async function describeJob(queue: Queue, jobId: string): Promise<JobFacts> {
  try {
    const state = await queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await queue.getJob(jobId);
    return {
      state,
      ...(job?.failedReason ? { failedReason: job.failedReason } : {}),
      ...(job ? { attemptsMade: job.attemptsMade, stalledCounter: job.stalledCounter } : {}),
      ...(job?.processedBy ? { processedBy: job.processedBy } : {}),
    };
  } catch (error) {
    return { state: `unreadable: ${(error as Error).message}` };
  }
}

const GONE = new Set(['unknown', 'no job id']);

/**
 * After Redis lost its data: seconds until every one of these tasks has ended or has its
 * current job (the reconciler may give it a new one) in BullMQ again; null if `stop` fires
 * first. Tells a slow repair apart from a repaired task waiting its turn in a long queue.
 */
export async function watchJobsBack(
  pool: pg.Pool,
  redisUrl: string,
  prefix: string,
  ids: string[],
  stop: AbortSignal,
): Promise<number | null> {
  const started = Date.now();
  let remaining = ids;
  while (remaining.length > 0) {
    // Looks once more after `stop`: the wait may have ended because the last of them did.
    const last = stop.aborted;
    try {
      const { rows } = await pool.query<{ id: string; queue: string; job_id: string | null }>(
        `SELECT id, queue, job_id FROM tasks WHERE id = ANY($1::uuid[])
         AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
        [remaining],
      );
      const jobs = await readJobs(
        redisUrl,
        prefix,
        rows.map((row) => ({ id: row.id, queue: row.queue, jobId: row.job_id })),
      );
      remaining = rows
        .filter((row) => {
          const state = jobs.get(row.id)?.state ?? 'unknown';
          return GONE.has(state) || state.startsWith('unreadable');
        })
        .map((row) => row.id);
    } catch {
      // PostgreSQL or Redis in another fault: look again.
    }
    if (remaining.length > 0 && last) return null;
    if (remaining.length > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return (Date.now() - started) / 1_000;
}

/** BullMQ's own counts per queue at the end, to compare with the tasks' statuses. */
export async function readJobCounts(
  redisUrl: string,
  prefix: string,
  queueNames: string[],
): Promise<Record<string, Record<string, number>>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  try {
    const counts: Record<string, Record<string, number>> = {};
    for (const name of queueNames) {
      const queue = new Queue(name, { connection, prefix });
      counts[name] = await queue.getJobCounts();
      await queue.close();
    }
    return counts;
  } finally {
    connection.disconnect();
  }
}
