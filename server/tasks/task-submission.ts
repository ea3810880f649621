import { createHash } from 'node:crypto';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  ValidationError,
  toFieldErrors,
} from '@/lib/errors';
import type { CreateTaskInput } from '@/lib/tasks/task-inputs';
import type { TaskPriority, TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Prisma, Task } from '@/lib/generated/prisma/client';
import { requireUser, type UserPrincipal, type Principal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { findTaskType, listTaskTypes } from './registry';
import { enqueueOrFail } from './task-jobs';
import { toTaskView } from './task-mapper';
import type { TaskType } from './task-type';

export interface SubmitOptions {
  /** A repeated submit with the same key returns the first task instead of creating another. */
  idempotencyKey?: string;
}

export interface SubmittedTask {
  task: TaskView;
  /** True when the key had been used: this is the task the first submit created. */
  replayed: boolean;
}

function resolveType(name: string): TaskType {
  const type = findTaskType(name);
  if (type) return type;
  const known = listTaskTypes()
    .map((t) => t.name)
    .join(', ');
  throw new ValidationError(`Unknown task type "${name}".`, [
    { path: 'type', message: `Unknown task type. Known types: ${known}.` },
  ]);
}

function checkAccess(user: UserPrincipal, type: TaskType) {
  const access = type.access ?? 'user';
  if (access === 'internal') {
    throw new ValidationError(`Tasks of type ${type.name} cannot be submitted directly.`, [
      { path: 'type', message: internalTypeHint(type.name) },
    ]);
  }
  if (access === 'admin' && user.role !== 'admin') {
    throw new ForbiddenError(`Only admins can run ${type.name} tasks.`);
  }
}

function internalTypeHint(name: string): string {
  if (name === 'file.process') return 'Upload the file instead: POST /api/v1/files.';
  return 'This type is created by Taskdeck itself.';
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

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'P2002';

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
  const parsed = type.schema.safeParse(input.payload ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      `The payload is not valid for ${type.name}.`,
      toFieldErrors(parsed.error.issues, ['payload']),
    );
  }
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
    ? fingerprint([type.name, parsed.data, priority, input.delayMs ?? null, input.runAt ?? null])
    : null;
  if (key && hash) {
    const replay = await findReplay(user.userId, key, hash);
    if (replay) return { task: toTaskView(replay), replayed: true };
  }

  try {
    const task = await recordTask({
      type,
      ownerId: user.userId,
      payload: parsed.data,
      priority,
      runAt: delayed ? runAt : null,
      idempotency: key && hash ? { key, hash } : null,
    });
    return { task, replayed: false };
  } catch (error) {
    // The same key, submitted concurrently: the other request created the task.
    if (key && hash && isUniqueViolation(error)) {
      const replay = await findReplay(user.userId, key, hash);
      if (replay) return { task: toTaskView(replay), replayed: true };
    }
    throw error;
  }
}

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

interface RecordTaskInput {
  id?: string;
  type: TaskType;
  ownerId: string;
  payload: unknown;
  priority: TaskPriority;
  runAt: Date | null;
  idempotency: { key: string; hash: string } | null;
  inputs?: TaskInputFile[];
}

/** Inserts the task (with its first transition and input files) and enqueues its job. */
async function recordTask(input: RecordTaskInput): Promise<TaskView> {
  const id = input.id ?? uuid7();
  const prisma = getPrisma();
  const status = input.runAt ? 'delayed' : 'queued';
  const inputs = input.inputs ?? [];
  const [task] = await prisma.$transaction([
    prisma.task.create({
      data: {
        id,
        type: input.type.name,
        queue: input.type.defaults.queue,
        status,
        priority: input.priority,
        payload: input.payload as Prisma.InputJsonValue,
        maxAttempts: input.type.defaults.attempts,
        ownerId: input.ownerId,
        jobId: id,
        runAt: input.runAt,
        idempotencyKey: input.idempotency?.key ?? null,
        idempotencyHash: input.idempotency?.hash ?? null,
        revision: 1,
        files: {
          create: inputs.map((file) => ({
            id: uuid7(),
            role: 'input',
            kind: file.kind,
            name: file.name,
            storageKey: file.key,
            contentType: file.contentType,
            size: BigInt(file.size),
            sha256: file.sha256,
            ...(file.meta ? { meta: file.meta as Prisma.InputJsonObject } : {}),
          })),
        },
      },
    }),
    prisma.taskTransition.create({
      data: { id: uuid7(), taskId: id, revision: 1, attempt: 0, toStatus: status },
    }),
  ]);
  const view = toTaskView(task);
  // Announced before the job exists, so no client can see its progress before the task.
  await publishBusMessage({ kind: 'task.created', ownerId: task.ownerId, task: view });
  await enqueueOrFail(task);
  return view;
}

/**
 * Creates a task of an internal type (no access check; the caller is our own service acting
 * for `ownerId`). The payload is still validated by the type's schema.
 */
export async function createInternalTask(
  typeName: string,
  ownerId: string,
  payload: unknown,
  options: { id?: string; inputs?: TaskInputFile[]; priority?: TaskPriority } = {},
): Promise<TaskView> {
  const type = resolveType(typeName);
  const parsed = type.schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      `The payload is not valid for ${type.name}.`,
      toFieldErrors(parsed.error.issues, ['payload']),
    );
  }
  return recordTask({
    id: options.id,
    type,
    ownerId,
    payload: parsed.data,
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
