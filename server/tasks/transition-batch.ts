import type { TaskLogLine } from '@/lib/realtime/events';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Task } from '@/lib/generated/prisma/client';
import { createGroupCommit, isRetryableConflict } from '@/lib/group-commit';
import { definePreparedStatement } from '@/server/db/prepared-statement';
import { isInfrastructureError } from '@/server/infra/infra-errors';
import { findSilentTaskTypes } from './registry';
import { OUTBOX_GRACE_MS, toTaskModel } from './task-insert';

// Status changes as one SQL statement each, and the changes of many tasks at the same moment as
// one statement together (group commit). The statement locks the tasks in id order, checks each
// is still where its caller thinks (status, attempt, revision, job), applies the change with a
// new revision, writes the timeline entry, and with it the outbox entry, output files and last
// log lines the change carries. A task whose check fails is left alone and comes back null.
// A change to succeeded, failed or cancelled also writes its webhook event (the task's row as it
// now is) when some enabled endpoint subscribes to it: the fact that webhooks must go out is
// committed with the change itself, and server/webhooks/webhook-relay.ts fans it out.

/** The columns a status change may set besides status, revision and seq. */
export interface TaskChange {
  attempts?: 'increment' | 'decrement';
  maxAttempts?: number;
  progress?: number;
  progressMessage?: string | null;
  result?: Record<string, unknown> | null;
  error?: Record<string, unknown> | null;
  jobId?: string;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  retryAt?: Date | null;
  runAt?: Date | null;
  cancelRequestedAt?: Date | null;
  checkpoint?: Record<string, unknown> | null;
}

/** An output file recorded in the same statement as the success that produced it. */
export interface OutputFileRow {
  kind: string;
  name: string;
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  meta?: Record<string, unknown>;
}

export interface TransitionRow {
  taskId: string;
  from: readonly TaskStatus[];
  to: TaskStatus;
  attempt?: number;
  revision?: number;
  jobId?: string;
  data?: TaskChange;
  reason?: string;
  /** A failed attempt's stack and cause chain, kept with its timeline entry for admins. */
  errorDetail?: string;
  actorId?: string;
  enqueue?: boolean;
  outputFiles?: OutputFileRow[];
  logLines?: TaskLogLine[];
}

/** What the owner wants to hear about a finished task, read in the same statement. */
export interface TaskOwnerNotice {
  email: string;
  notifyOnCompletion: boolean;
  banned: boolean;
}

export type TransitionedTask = Task & {
  owner: TaskOwnerNotice | null;
  /** Whether the change recorded a webhook event (someone listens to this task's end). */
  webhookEvent?: boolean;
};

const COLUMN_OF: Record<Exclude<keyof TaskChange, 'attempts'>, string> = {
  maxAttempts: 'max_attempts',
  progress: 'progress',
  progressMessage: 'progress_message',
  result: 'result',
  error: 'error',
  jobId: 'job_id',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  retryAt: 'retry_at',
  runAt: 'run_at',
  cancelRequestedAt: 'cancel_requested_at',
  checkpoint: 'checkpoint',
};

/** The change as JSON keyed by column; a key that is present is set, even to null. */
function toColumns(change: TaskChange = {}): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (field === 'attempts') {
      columns.attempts_delta = value === 'increment' ? 1 : -1;
      continue;
    }
    const column = COLUMN_OF[field as keyof typeof COLUMN_OF];
    columns[column] = value instanceof Date ? value.toISOString() : value;
  }
  return columns;
}

function toRequestRow(row: TransitionRow, n: number) {
  return {
    n,
    task_id: row.taskId,
    from_statuses: row.from,
    to_status: row.to,
    attempt: row.attempt ?? null,
    revision: row.revision ?? null,
    job_id: row.jobId ?? null,
    c: toColumns(row.data),
    reason: row.reason?.slice(0, 500) ?? null,
    error_detail: row.errorDetail ?? null,
    actor_id: row.actorId ?? null,
    transition_id: uuid7(),
    event_id: uuid7(),
    enqueue: row.enqueue ?? false,
    files: (row.outputFiles ?? []).map((file) => ({
      id: uuid7(),
      kind: file.kind,
      name: file.name.slice(0, 300),
      storage_key: file.key,
      content_type: file.contentType,
      size: file.size,
      sha256: file.sha256,
      meta: file.meta ?? null,
    })),
    logs: (row.logLines ?? []).map((line) => ({
      id: line.id,
      attempt: line.attempt,
      level: line.level,
      message: line.message,
      at: line.at,
    })),
  };
}

type RawRow = Record<string, unknown>;

function toTransitioned(row: RawRow): TransitionedTask {
  const owner =
    typeof row.owner_email === 'string'
      ? {
          email: row.owner_email,
          notifyOnCompletion: row.owner_notify === true,
          banned: row.owner_banned === true,
        }
      : null;
  return { ...toTaskModel(row), owner, webhookEvent: row.webhook_event === true };
}

// Each column: the change's value when its key is present, else the row's own.
const SET = (column: string, type: string) =>
  `${column} = CASE WHEN r.c ? '${column}' THEN (r.c->>'${column}')::${type} ELSE t.${column} END`;
const SET_JSON = (column: string) =>
  `${column} = CASE WHEN r.c ? '${column}' THEN NULLIF(r.c->'${column}', 'null'::jsonb) ELSE t.${column} END`;

const SETS = [
  SET('max_attempts', 'int'),
  SET('progress', 'int'),
  SET('progress_message', 'text'),
  SET_JSON('result'),
  SET_JSON('error'),
  SET('job_id', 'text'),
  SET('started_at', 'timestamptz'),
  SET('finished_at', 'timestamptz'),
  SET('retry_at', 'timestamptz'),
  SET('run_at', 'timestamptz'),
  SET('cancel_requested_at', 'timestamptz'),
  SET_JSON('checkpoint'),
].join(',\n      ');

const STATEMENT = `
  WITH r AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n int, task_id uuid,
      from_statuses task_status[], to_status task_status, attempt int, revision int, job_id text,
      c jsonb, reason text, error_detail text, actor_id text, transition_id uuid, event_id uuid, enqueue boolean,
      files jsonb, logs jsonb)
  ), cur AS (
    SELECT t.id, t.status, t.attempts, t.revision, t.job_id FROM tasks t
    WHERE t.id IN (SELECT task_id FROM r)
    ORDER BY t.id
    FOR UPDATE
  ), upd AS (
    UPDATE tasks t SET
      status = r.to_status,
      revision = t.revision + 1,
      seq = 0,
      attempts = t.attempts + COALESCE((r.c->>'attempts_delta')::int, 0),
      ${SETS},
      updated_at = CURRENT_TIMESTAMP
    FROM cur JOIN r ON r.task_id = cur.id
    WHERE t.id = cur.id
      AND cur.status = ANY(r.from_statuses)
      AND (r.attempt IS NULL OR cur.attempts = r.attempt)
      AND (r.revision IS NULL OR cur.revision = r.revision)
      AND (r.job_id IS NULL OR cur.job_id = r.job_id)
    RETURNING t.*, cur.status AS from_status, r.n AS request_n
  ), transition AS (
    INSERT INTO task_transitions (id, task_id, revision, attempt, from_status, to_status, reason,
      actor_id, error_detail)
    SELECT r.transition_id, upd.id, upd.revision, upd.attempts, upd.from_status, upd.status,
      r.reason, r.actor_id, r.error_detail
    FROM upd JOIN r ON r.n = upd.request_n
  ), outbox AS (
    INSERT INTO task_outbox (job_id, task_id, due_at)
    SELECT upd.job_id, upd.id, $2::timestamptz FROM upd JOIN r ON r.n = upd.request_n
    WHERE r.enqueue AND upd.job_id IS NOT NULL
    ON CONFLICT (job_id) DO NOTHING
  ), hooks AS (
    -- Only when someone listens: an owner's endpoint or an admin's for every task.
    INSERT INTO webhook_events (id, event_type, owner_id, task_id, data)
    SELECT r.event_id, 'task.' || upd.status::text, upd.owner_id, upd.id,
      to_jsonb(upd) - 'from_status' - 'request_n'
    FROM upd JOIN r ON r.n = upd.request_n
    WHERE upd.status IN ('succeeded', 'failed', 'cancelled')
      AND upd.type <> ALL($3::text[])
      AND EXISTS (SELECT 1 FROM webhook_endpoints e
        WHERE e.enabled AND ('task.' || upd.status::text) = ANY(e.events)
          AND (e.scope = 'all' OR e.owner_id = upd.owner_id))
    RETURNING task_id
  ), files AS (
    INSERT INTO task_files (id, task_id, role, kind, name, storage_key, content_type, size,
      sha256, meta)
    SELECT f.id, upd.id, 'output', f.kind, f.name, f.storage_key, f.content_type, f.size,
      f.sha256, f.meta
    FROM upd JOIN r ON r.n = upd.request_n,
      jsonb_to_recordset(r.files) AS f(id uuid, kind text, name text, storage_key text,
        content_type text, size bigint, sha256 text, meta jsonb)
  ), logs AS (
    -- The attempt's last log lines are kept whether or not the change applies.
    INSERT INTO task_logs (id, task_id, attempt, level, message, at)
    SELECT l.id, r.task_id, l.attempt, l.level, l.message, l.at
    FROM r JOIN cur ON cur.id = r.task_id,
      jsonb_to_recordset(r.logs) AS l(id uuid, attempt int, level text, message text,
        at timestamptz)
    ON CONFLICT (id) DO NOTHING
  )
  SELECT upd.*, u.email AS owner_email, u.notify_on_completion AS owner_notify,
    u.banned AS owner_banned,
    EXISTS (SELECT 1 FROM hooks h WHERE h.task_id = upd.id) AS webhook_event
  FROM upd LEFT JOIN users u ON u.id = upd.owner_id`;

const runTransitions = definePreparedStatement<RawRow>('transition', STATEMENT);

async function writeTransitionBatch(
  rows: TransitionRow[],
): Promise<Array<TransitionedTask | null>> {
  const requests = rows.map((row, n) => toRequestRow(row, n));
  const dueAt = new Date(Date.now() + OUTBOX_GRACE_MS);
  const result = await runTransitions([
    JSON.stringify(requests),
    dueAt.toISOString(),
    findSilentTaskTypes(),
  ]);
  const byRequest = new Map(result.map((row) => [Number(row.request_n), toTransitioned(row)]));
  return rows.map((_, n) => byRequest.get(n) ?? null);
}

/** Applies one status change; changes of other tasks at the same moment share its statement. */
export const applyTransition = createGroupCommit<TransitionRow, TransitionedTask | null>({
  maxBatch: 100,
  maxInFlight: 2,
  write: writeTransitionBatch,
  keyOf: (row) => row.taskId,
  isRetryable: isRetryableConflict,
  isItemError: (error) => !isInfrastructureError(error) && !isRetryableConflict(error),
});
