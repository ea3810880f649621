import type { ScheduleTrigger, TaskPriority, TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Task } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';

// A new task is one SQL statement: its row, its first timeline entry, its outbox entry (the
// promise that its job will exist in BullMQ) and its input files. One statement is atomic by
// itself, needs no interactive transaction (whose wait for a pooled connection failed bursts
// with P2028) and costs one round trip.

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
    createdAt: date(row.created_at) ?? new Date(),
    updatedAt: date(row.updated_at) ?? new Date(),
    startedAt: date(row.started_at ?? null),
    finishedAt: date(row.finished_at ?? null),
  };
}

/** Inserts the task with its first transition, outbox entry and input files; its job id is its id. */
export async function insertTask(input: NewTaskRow): Promise<Task> {
  const files = input.inputs.map((file) => ({
    id: uuid7(),
    kind: file.kind,
    name: file.name,
    storage_key: file.key,
    content_type: file.contentType,
    size: file.size,
    sha256: file.sha256,
    meta: file.meta ?? null,
  }));
  const dueAt = new Date(Date.now() + OUTBOX_GRACE_MS);
  const rows = await getPrisma().$queryRaw<RawTaskRow[]>`
    WITH task AS (
      INSERT INTO tasks (id, type, queue, status, priority, payload, max_attempts, owner_id,
        job_id, run_at, schedule_id, schedule_trigger, idempotency_key, idempotency_hash, revision)
      VALUES (${input.id}::uuid, ${input.type}, ${input.queue}, ${input.status}::task_status,
        ${input.priority}::task_priority, ${JSON.stringify(input.payload)}::jsonb,
        ${input.maxAttempts}, ${input.ownerId}, ${input.id}, ${input.runAt}::timestamptz,
        ${input.scheduleId}::uuid, ${input.scheduleTrigger}, ${input.idempotencyKey},
        ${input.idempotencyHash}, 1)
      RETURNING *
    ), transition AS (
      INSERT INTO task_transitions (id, task_id, revision, attempt, to_status)
      SELECT ${uuid7()}::uuid, id, 1, 0, status FROM task
    ), outbox AS (
      INSERT INTO task_outbox (job_id, task_id, due_at)
      SELECT job_id, id, ${dueAt}::timestamptz FROM task
    ), files AS (
      INSERT INTO task_files (id, task_id, role, kind, name, storage_key, content_type, size,
        sha256, meta)
      SELECT f.id, task.id, 'input', f.kind, f.name, f.storage_key, f.content_type, f.size,
        f.sha256, f.meta
      FROM task, jsonb_to_recordset(${JSON.stringify(files)}::jsonb) AS f(id uuid, kind text,
        name text, storage_key text, content_type text, size bigint, sha256 text, meta jsonb)
    )
    SELECT * FROM task`;
  const row = rows[0];
  if (!row) throw new Error(`Inserting task ${input.id} returned no row`);
  return toTaskModel(row);
}

/** A unique violation, from Prisma's own queries (P2002) or a raw statement (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = error as { code?: string; meta?: { code?: string } };
  if (code === 'P2002' || code === '23505') return true;
  if (meta?.code === '23505') return true;
  return /\b23505\b|unique constraint/i.test(error instanceof Error ? error.message : '');
}
