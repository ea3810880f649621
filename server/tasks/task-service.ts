import {
  ServiceUnavailableError,
  ValidationError,
  NotFoundError,
  toFieldErrors,
} from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import type { CreateTaskInput, ListTasksQuery } from '@/lib/tasks/task-inputs';
import { taskIdSchema } from '@/lib/tasks/task-inputs';

import type { TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Prisma } from '@/lib/generated/prisma/client';
import {
  canSeeTask,
  requireUser,
  visibleTasksWhere,
  type Principal,
} from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/infra/queues';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { getStorage } from '@/server/storage/storage';
import { findTaskType, listTaskTypes } from './registry';
import { decodeKeysetCursor, rowsAfter, toKeysetPage } from '@/server/db/keyset-cursor';
import { readResultFile, toTaskView } from './task-mapper';

const isUuid = (id: string) => taskIdSchema.safeParse(id).success;

/** Records a task and enqueues its job (job id = task id). Returns without waiting for it. */
export async function createTask(principal: Principal, input: CreateTaskInput): Promise<TaskView> {
  const user = requireUser(principal);
  const type = findTaskType(input.type);
  if (!type) {
    const known = listTaskTypes()
      .map((t) => t.name)
      .join(', ');
    throw new ValidationError(`Unknown task type "${input.type}".`, [
      { path: 'type', message: `Unknown task type. Known types: ${known}.` },
    ]);
  }
  const parsed = type.schema.safeParse(input.payload ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      `The payload is not valid for ${type.name}.`,
      toFieldErrors(parsed.error.issues, ['payload']),
    );
  }

  const ownerId = user.userId;
  const prisma = getPrisma();
  const task = await prisma.task.create({
    data: {
      id: uuid7(),
      type: type.name,
      queue: type.defaults.queue,
      payload: parsed.data as Prisma.InputJsonValue,
      maxAttempts: type.defaults.attempts,
      ownerId,
    },
  });
  const view = toTaskView(task);
  // Announced before the job exists, so no client can see its progress before the task.
  await publishBusMessage({ kind: 'task.created', ownerId, task: view });

  try {
    await getQueue(type.defaults.queue).add(
      type.name,
      { taskId: task.id },
      {
        jobId: task.id,
        attempts: type.defaults.attempts,
        backoff: { type: type.defaults.backoff.type, delay: type.defaults.backoff.delayMs },
        // Postgres keeps the history; Redis keeps only what BullMQ needs.
        removeOnComplete: { age: 3_600, count: 1_000 },
        removeOnFail: { age: 7 * 86_400, count: 10_000 },
      },
    );
  } catch (error) {
    getLogger().error({ err: error, taskId: task.id }, 'could not enqueue task');
    await prisma.task.update({
      where: { id: task.id },
      data: {
        status: 'failed',
        seq: 1,
        finishedAt: new Date(),
        error: { code: 'enqueue_failed', message: 'The task could not be queued.' },
      },
    });
    throw new ServiceUnavailableError('The task was recorded but could not be queued. Try again.');
  }
  return view;
}

async function findVisibleTask(principal: Principal, id: string) {
  requireUser(principal);
  if (!taskIdSchema.safeParse(id).success) throw new NotFoundError('No such task.');
  const task = await getPrisma().task.findUnique({ where: { id } });
  // Someone else's task answers exactly like a missing one, so ids leak nothing.
  if (!task || !canSeeTask(principal, task)) throw new NotFoundError('No such task.');
  return task;
}

export async function getTask(principal: Principal, id: string): Promise<TaskView> {
  return toTaskView(await findVisibleTask(principal, id));
}

/** The subset of these ids the principal may see, as current snapshots. */
export async function getVisibleTasks(principal: Principal, ids: string[]): Promise<TaskView[]> {
  const user = requireUser(principal);
  if (ids.length === 0) return [];
  const tasks = await getPrisma().task.findMany({
    where: { id: { in: ids }, ...visibleTasksWhere(user) },
  });
  return tasks.map(toTaskView);
}

export interface TaskPage {
  data: TaskView[];
  nextCursor: string | null;
}

export async function listTasks(principal: Principal, query: ListTasksQuery): Promise<TaskPage> {
  const user = requireUser(principal);
  const cursor = query.cursor ? decodeKeysetCursor(query.cursor, isUuid) : null;
  const where: Prisma.TaskWhereInput = {
    ...visibleTasksWhere(user),
    ...(query.status ? { status: query.status } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(cursor ? rowsAfter(cursor) : {}),
  };
  const rows = await getPrisma().task.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  return toKeysetPage(rows, query.limit, toTaskView);
}

export async function openTaskResult(principal: Principal, id: string, context: AuditContext) {
  const task = await findVisibleTask(principal, id);
  const file = task.status === 'succeeded' ? readResultFile(task.result) : null;
  if (!file) throw new NotFoundError('This task has no file to download.');
  const { stream, size } = await getStorage().read(file.key);
  if (principal.kind === 'user' && task.ownerId !== principal.userId) {
    // An admin reading another user's output.
    await recordAudit(principal, 'task.result_download', { type: 'task', id }, context, {
      ownerId: task.ownerId,
      file: file.name,
    });
  }
  return { stream, size, name: file.name, contentType: file.contentType };
}
