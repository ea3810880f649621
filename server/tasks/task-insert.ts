import type { ScheduleTrigger, TaskPriority, TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Task } from '@/lib/generated/prisma/client';
import { createGroupCommit } from '@/lib/group-commit';
import { definePreparedStatement } from '@/server/db/prepared-statement';
import { isInfrastructureError } from '@/server/infra/infra-errors';

// A new task is one SQL statement: its row, its first timeline entry, its outbox entry (the
// promise that its job will exist in BullMQ) and its input files. One statement is atomic by
// itself, needs no interactive transaction (whose wait for a pooled connection failed bursts
// with P2028) and costs one round trip; tasks created at the same moment share it.

/** How long the request path has to add the job itself before the outbox relay takes over. */
export const OUTBOX_GRACE_MS = 5_000;

/** A file a task takes in, already in storage (an upload). */
export interface TaskInputFile {
  kind: string;
  name: string;
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  meta?: Record<string, unknown>;
}

export interface NewTaskRow {
  id: string;
  type: string;
  queue: string;
  status: Extract<TaskStatus, 'queued' | 'delayed'>;
  priority: TaskPriority;
  payload: unknown;
  maxAttempts: number;
  ownerId: string | null;
  runAt: Date | null;
  scheduleId: string | null;
  scheduleTrigger: ScheduleTrigger | null;
  /** The task a follow-up reports on; dropped (null) when that task is gone by now. */
  parentTaskId: string | null;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  inputs: TaskInputFile[];
}

type RawTaskRow = Record<string, unknown>;

const date = (value: unknown): Date | null => (value === null ? null : new Date(value as string));

/** The row as Prisma would have returned it (snake_case columns to the model's fields). */
export function toTaskModel(row: RawTaskRow): Task {
  return {
    id: row.id as string,
    type: row.type as string,
    queue: row.queue as string,
    status: row.status as Task['status'],
    priority: row.priority as Task['priority'],
    progress: Number(row.progress),
    progressMessage: (row.progress_message as string | null) ?? null,
    payload: row.payload as Task['payload'],
    result: (row.result as Task['result']) ?? null,
    error: (row.error as Task['error']) ?? null,
    checkpoint: (row.checkpoint as Task['checkpoint']) ?? null,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    revision: Number(row.revision),
    seq: Number(row.seq),
    jobId: (row.job_id as string | null) ?? null,
    runAt: date(row.run_at ?? null),
    retryAt: date(row.retry_at ?? null),
    cancelRequestedAt: date(row.cancel_requested_at ?? null),
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    idempotencyHash: (row.idempotency_hash as string | null) ?? null,
    ownerId: (row.owner_id as string | null) ?? null,
    scheduleId: (row.schedule_id as string | null) ?? null,
    scheduleTrigger: (row.schedule_trigger as string | null) ?? null,
    parentTaskId: (row.parent_task_id as string | null) ?? null,
    replayOfTaskId: (row.replay_of_task_id as string | null) ?? null,
    createdAt: date(row.created_at) ?? new Date(),
    updatedAt: date(row.updated_at) ?? new Date(),
    startedAt: date(row.started_at ?? null),
    finishedAt: date(row.finished_at ?? null),
  };
}

interface TaskInsertRow {
  id: string;
  type: string;
  queue: string;
  status: string;
  priority: string;
  payload: unknown;
  max_attempts: number;
  owner_id: string | null;
  run_at: string | null;
  schedule_id: string | null;
  schedule_trigger: string | null;
  parent_task_id: string | null;
  idempotency_key: string | null;
  idempotency_hash: string | null;
  transition_id: string;
  files: Array<Record<string, unknown>>;
}

function toInsertRow(input: NewTaskRow): TaskInsertRow {
  return {
    id: input.id,
    type: input.type,
    queue: input.queue,
    status: input.status,
    priority: input.priority,
    payload: input.payload,
    max_attempts: input.maxAttempts,
    owner_id: input.ownerId,
    run_at: input.runAt?.toISOString() ?? null,
    schedule_id: input.scheduleId,
    schedule_trigger: input.scheduleTrigger,
    parent_task_id: input.parentTaskId,
    idempotency_key: input.idempotencyKey,
    idempotency_hash: input.idempotencyHash,
    transition_id: uuid7(),
    files: input.inputs.map((file) => ({
      id: uuid7(),
      kind: file.kind,
      name: file.name,
      storage_key: file.key,
      content_type: file.contentType,
      size: file.size,
      sha256: file.sha256,
      meta: file.meta ?? null,
    })),
  };
}

const runInsert = definePreparedStatement<RawTaskRow>(
  'insert_tasks',
  `
    WITH input AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, type text,
        queue text, status task_status, priority task_priority, payload jsonb, max_attempts int,
        owner_id text, run_at timestamptz, schedule_id uuid, schedule_trigger text,
        parent_task_id uuid, idempotency_key text, idempotency_hash text, transition_id uuid, files jsonb)
    ), task AS (
      INSERT INTO tasks (id, type, queue, status, priority, payload, max_attempts, owner_id,
        job_id, run_at, schedule_id, schedule_trigger, parent_task_id, idempotency_key,
        idempotency_hash, revision)
      SELECT id, type, queue, status, priority, payload, max_attempts, owner_id, id::text, run_at,
        schedule_id, schedule_trigger,
        -- A parent deleted before its follow-up was made (a webhook relay running late) would
        -- fail the insert on the foreign key: the follow-up is then made without one.
        (SELECT p.id FROM tasks p WHERE p.id = input.parent_task_id),
        idempotency_key, idempotency_hash, 1
      FROM input
      ON CONFLICT DO NOTHING
      RETURNING *
    ), transition AS (
      INSERT INTO task_transitions (id, task_id, revision, attempt, to_status)
      SELECT input.transition_id, task.id, 1, 0, task.status FROM task JOIN input USING (id)
    ), outbox AS (
      INSERT INTO task_outbox (job_id, task_id, due_at)
      SELECT job_id, id, $2::timestamptz FROM task
    ), files AS (
      INSERT INTO task_files (id, task_id, role, kind, name, storage_key, content_type, size,
        sha256, meta)
      SELECT f.id, task.id, 'input', f.kind, f.name, f.storage_key, f.content_type, f.size,
        f.sha256, f.meta
      FROM task JOIN input USING (id), jsonb_to_recordset(input.files) AS f(id uuid, kind text,
        name text, storage_key text, content_type text, size bigint, sha256 text, meta jsonb)
    )
    SELECT * FROM task`,
);

/**
 * One statement for a whole batch of new tasks. A task whose id or idempotency key is taken is
 * skipped (ON CONFLICT DO NOTHING) rather than failing its neighbours; it comes back null.
 */
async function insertTaskBatch(inputs: NewTaskRow[]): Promise<Array<Task | null>> {
  const rows = inputs.map(toInsertRow);
  const dueAt = new Date(Date.now() + OUTBOX_GRACE_MS);
  const inserted = await runInsert([JSON.stringify(rows), dueAt.toISOString()]);
  const byId = new Map(inserted.map((row) => [row.id as string, toTaskModel(row)]));
  return inputs.map((input) => byId.get(input.id) ?? null);
}

/** The id or idempotency key of a new task was taken: shaped as the unique violation it is. */
export class TaskConflictError extends Error {
  readonly code = '23505';
  constructor(taskId: string) {
    super(`Task ${taskId} conflicts with an existing one (unique constraint)`);
    this.name = 'TaskConflictError';
  }
}

const insertGrouped = createGroupCommit<NewTaskRow, Task | null>({
  maxBatch: 100,
  maxInFlight: 2,
  write: insertTaskBatch,
  // A foreign key an item breaks (its owner was just deleted) fails that item only.
  isItemError: (error) => !isInfrastructureError(error),
});

/**
 * Inserts the task with its first transition, outbox entry and input files; its job id is its
 * id. Concurrent inserts share one statement (lib/group-commit.ts).
 */
export async function insertTask(input: NewTaskRow): Promise<Task> {
  const task = await insertGrouped(input);
  if (!task) throw new TaskConflictError(input.id);
  return task;
}

/** A unique violation, from Prisma's own queries (P2002) or a raw statement (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = error as { code?: string; meta?: { code?: string } };
  if (code === 'P2002' || code === '23505') return true;
  if (meta?.code === '23505') return true;
  return /\b23505\b|unique constraint/i.test(error instanceof Error ? error.message : '');
}
