import { createHash } from 'node:crypto';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  ValidationError,
  toFieldErrors,
} from '@/lib/errors';
import type { CreateTaskInput } from '@/lib/tasks/task-inputs';
import type { TaskView } from '@/lib/tasks/task-view';
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

  const id = uuid7();
  const prisma = getPrisma();
  const status = delayed ? 'delayed' : 'queued';
  let task: Task;
  try {
    [task] = await prisma.$transaction([
      prisma.task.create({
        data: {
          id,
          type: type.name,
          queue: type.defaults.queue,
          status,
          priority,
          payload: parsed.data as Prisma.InputJsonValue,
          maxAttempts: type.defaults.attempts,
          ownerId: user.userId,
          jobId: id,
          runAt: delayed ? runAt : null,
          idempotencyKey: key ?? null,
          idempotencyHash: hash,
          revision: 1,
        },
      }),
      prisma.taskTransition.create({
        data: { id: uuid7(), taskId: id, revision: 1, attempt: 0, toStatus: status },
      }),
    ]);
  } catch (error) {
    // The same key, submitted concurrently: the other request created the task.
    if (key && hash && isUniqueViolation(error)) {
      const replay = await findReplay(user.userId, key, hash);
      if (replay) return { task: toTaskView(replay), replayed: true };
    }
    throw error;
  }
  const view = toTaskView(task);
  // Announced before the job exists, so no client can see its progress before the task.
  await publishBusMessage({ kind: 'task.created', ownerId: task.ownerId, task: view });

  await enqueueOrFail(task);
  return { task: view, replayed: false };
}

export async function createTask(
  principal: Principal,
  input: CreateTaskInput,
  options: SubmitOptions = {},
): Promise<TaskView> {
  return (await submitTask(principal, input, options)).task;
}
