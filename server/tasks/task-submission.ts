import { createHash } from 'node:crypto';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  LimitExceededError,
  ValidationError,
  toFieldErrors,
} from '@/lib/errors';
import type { CreateTaskInput } from '@/lib/tasks/task-inputs';
import type { ScheduleTrigger, TaskPriority, TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Task } from '@/lib/generated/prisma/client';
import {
  requireUser,
  type Principal,
  type Role,
  type UserPrincipal,
} from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { findTaskType, listTaskTypes } from './registry';
import { dispatchJob } from './job-dispatch';
import { insertTask, isUniqueViolation, type TaskInputFile } from './task-insert';
import { toTaskView } from './task-mapper';
import { DEFAULT_ORIGIN, type TaskType } from './task-type';

export interface SubmitOptions {
  /** A repeated submit with the same key returns the first task instead of creating another. */
  idempotencyKey?: string;
}

export interface SubmittedTask {
  task: TaskView;
  /** True when the key had been used: this is the task the first submit created. */
  replayed: boolean;
}

/**
 * The type of that name, or a field error on `field` (the name the caller's body gave it:
 * `type` in a submit, `taskType` in a schedule) listing the types one can ask for: internal
 * types are made by Taskdeck itself, so naming them would only invite a second refusal.
 */
export function resolveType(name: string, field = 'type'): TaskType {
  const type = findTaskType(name);
  if (type) return type;
  const known = listTaskTypes()
    .filter((t) => (t.access ?? 'user') !== 'internal')
    .map((t) => t.name)
    .join(', ');
  throw new ValidationError(`Unknown task type "${name}".`, [
    { path: field, message: `Unknown task type. Known types: ${known}.` },
  ]);
}

function checkAccess(user: UserPrincipal, type: TaskType) {
  const access = type.access ?? 'user';
  if (access === 'internal') {
    throw new ValidationError(`Tasks of type ${type.name} cannot be submitted directly.`, [
      { path: 'type', message: type.origin?.submitHint ?? DEFAULT_ORIGIN.submitHint },
    ]);
  }
  if (access === 'admin' && user.role !== 'admin') {
    throw new ForbiddenError(`Only admins can run ${type.name} tasks.`);
  }
}

function checkPriority(user: UserPrincipal, priority: CreateTaskInput['priority']) {
  if (user.role !== 'admin' && (priority === 'high' || priority === 'urgent')) {
    throw new ForbiddenError('Only admins can submit tasks with high or urgent priority.');
  }
}

function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function findReplay(ownerId: string, key: string, hash: string): Promise<Task | null> {
  const existing = await getPrisma().task.findUnique({
    where: { ownerId_idempotencyKey: { ownerId, idempotencyKey: key } },
  });
  if (existing && existing.idempotencyHash !== hash) throw new IdempotencyKeyReusedError();
  return existing;
}

/**
 * Records a task and enqueues its job. Returns without waiting for it. With an idempotency key,
 * a repeat of the same request (even a concurrent one) returns the first task.
 */
export async function submitTask(
  principal: Principal,
  input: CreateTaskInput,
  options: SubmitOptions = {},
): Promise<SubmittedTask> {
  const user = requireUser(principal);
  const type = resolveType(input.type);
  checkAccess(user, type);
  checkPriority(user, input.priority);
  const payload = parsePayload(type, input.payload ?? {}, user.role);
  const priority = input.priority ?? 'normal';
  const runAt =
    input.runAt !== undefined
      ? new Date(input.runAt)
      : input.delayMs
        ? new Date(Date.now() + input.delayMs)
        : null;
  const delayed = runAt !== null && runAt.getTime() > Date.now();

  const key = options.idempotencyKey;
  const hash = key
    ? fingerprint([type.name, payload, priority, input.delayMs ?? null, input.runAt ?? null])
    : null;
  // No lookup first: a new key (the usual case) costs only the insert; a repeat conflicts.
  try {
    const task = await recordTask({
      type,
      ownerId: user.userId,
      payload,
      priority,
      runAt: delayed ? runAt : null,
      idempotency: key && hash ? { key, hash } : null,
    });
    return { task, replayed: false };
  } catch (error) {
    // The same key, submitted before or concurrently: that request created the task.
    if (key && hash && isUniqueViolation(error)) {
      const replay = await findReplay(user.userId, key, hash);
      if (replay) return { task: toTaskView(replay), replayed: true };
    }
    throw error;
  }
}

interface RecordTaskInput {
  id?: string;
  type: TaskType;
  /** Null for the runs of built-in schedules: only admins see them. */
  ownerId: string | null;
  payload: unknown;
  priority: TaskPriority;
  runAt: Date | null;
  idempotency: { key: string; hash: string } | null;
  inputs?: TaskInputFile[];
  schedule?: { id: string; trigger: ScheduleTrigger };
  /** For a follow-up type (`followUp`): the task it reports on. */
  parentTaskId?: string | null;
}

/**
 * Records the task (row, first transition, outbox entry and input files in one statement) and
 * adds its job. With Redis down the task still exists and waits `queued`: the outbox relay adds
 * the job once Redis is back, so an accepted task is never lost nor failed for it.
 */
async function recordTask(input: RecordTaskInput): Promise<TaskView> {
  const id = input.id ?? uuid7();
  const task = await insertTask({
    id,
    type: input.type.name,
    queue: input.type.defaults.queue,
    status: input.runAt ? 'delayed' : 'queued',
    priority: input.priority,
    payload: input.payload,
    maxAttempts: input.type.defaults.attempts,
    ownerId: input.ownerId,
    runAt: input.runAt,
    scheduleId: input.schedule?.id ?? null,
    scheduleTrigger: input.schedule?.trigger ?? null,
    parentTaskId: input.parentTaskId ?? null,
    idempotencyKey: input.idempotency?.key ?? null,
    idempotencyHash: input.idempotency?.hash ?? null,
    inputs: input.inputs ?? [],
  });
  const view = toTaskView(task);
  // Announced before the job exists, so no client can see its progress before the task.
  await publishBusMessage({ kind: 'task.created', ownerId: task.ownerId, task: view });
  await dispatchJob(task);
  return view;
}

/**
 * Parses a payload with its type's schema (a ValidationError, 400, names the fields under
 * `payload`), then a user's (not an admin's) with its tighter `userSchema` where it has one (a
 * LimitExceededError, 422). Schedules (made by admins) and our own services submit as `admin`.
 */
export function parsePayload(type: TaskType, payload: unknown, submitter: Role): unknown {
  const parsed = type.schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      `The payload is not valid for ${type.name}.`,
      toFieldErrors(parsed.error.issues, ['payload']),
    );
  }
  if (submitter === 'admin' || !type.userSchema) return parsed.data;
  const limited = type.userSchema.safeParse(payload);
  if (!limited.success) {
    throw new LimitExceededError(
      `The payload asks for more than users may run as ${type.name}.`,
      toFieldErrors(limited.error.issues, ['payload']),
    );
  }
  return limited.data;
}

export interface ScheduledRunInput {
  /** Made from the schedule and the run's due time, so the same run is never made twice. */
  id: string;
  typeName: string;
  ownerId: string | null;
  payload: unknown;
  priority: TaskPriority;
  schedule: { id: string; trigger: ScheduleTrigger };
}

/**
 * Records and enqueues one run of a schedule (the schedule service checked who may). A run
 * that already exists (its id was taken) is returned as it is, with `created: false`.
 */
export async function createScheduledTask(
  input: ScheduledRunInput,
): Promise<{ task: TaskView; created: boolean }> {
  const type = resolveType(input.typeName);
  const payload = parsePayload(type, input.payload, 'admin');
  try {
    const task = await recordTask({
      id: input.id,
      type,
      ownerId: input.ownerId,
      payload,
      priority: input.priority,
      runAt: null,
      idempotency: null,
      schedule: input.schedule,
    });
    return { task, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await getPrisma().task.findUnique({ where: { id: input.id } });
    if (!existing) throw error;
    return { task: toTaskView(existing), created: false };
  }
}

/**
 * Creates a task of an internal type (no access check; the caller is our own service acting
 * for `ownerId`). The payload is still validated by the type's schema.
 */
export async function createInternalTask(
  typeName: string,
  ownerId: string,
  payload: unknown,
  options: {
    id?: string;
    inputs?: TaskInputFile[];
    priority?: TaskPriority;
    /** The task it reports on; only a `followUp` type takes one. */
    parentTaskId?: string | null;
  } = {},
): Promise<TaskView> {
  const type = resolveType(typeName);
  if (options.parentTaskId && !type.followUp) {
    // Our own code's mistake: a child the lists would hide although its type never says so.
    throw new Error(`${type.name} is not a follow-up type: it takes no parent task`);
  }
  return recordTask({
    parentTaskId: options.parentTaskId ?? null,
    id: options.id,
    type,
    ownerId,
    payload: parsePayload(type, payload, 'admin'),
    priority: options.priority ?? 'normal',
    runAt: null,
    idempotency: null,
    inputs: options.inputs,
  });
}

export async function createTask(
  principal: Principal,
  input: CreateTaskInput,
  options: SubmitOptions = {},
): Promise<TaskView> {
  return (await submitTask(principal, input, options)).task;
}
