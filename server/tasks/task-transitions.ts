import { nowMs, type TaskUpdate } from '@/lib/realtime/events';
import { canTransition } from '@/lib/tasks/task-states';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import type { Prisma, Task } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { dispatchJob } from './job-dispatch';
import { OUTBOX_GRACE_MS } from './task-insert';
import { toTaskUpdate } from './task-mapper';

export interface TransitionRequest {
  taskId: string;
  /** The statuses this move applies to; the task must be in one of them. */
  from: readonly TaskStatus[];
  to: TaskStatus;
  /** Only while the task is still on this attempt (late outcomes of an older one are dropped). */
  attempt?: number;
  /** Only while the task is still on this revision. */
  revision?: number;
  /** Only while this BullMQ job is the task's current one. */
  jobId?: string;
  /** The other columns that change with the status. */
  data?: Omit<Prisma.TaskUpdateInput, 'status' | 'revision' | 'seq'>;
  reason?: string;
  actorId?: string;
  /**
   * The move needs a job (a retry, a restarted attempt): its outbox entry is written in the
   * same transaction and the job added after the commit, so the job is never lost between.
   */
  enqueue?: boolean;
}

function assertAllowed(request: TransitionRequest): void {
  for (const from of request.from) {
    if (!canTransition(from, request.to)) {
      throw new Error(`Transition ${from} → ${request.to} is not allowed`);
    }
  }
}

/**
 * The one place a task's status changes. Under a row lock it checks the task is still where the
 * caller thinks (status, attempt, revision, job), applies the change with a new revision,
 * records it in the timeline, then publishes it. Returns null when the task has moved on:
 * the caller lost a race and must not act as if it had won.
 */
export async function transitionTask(request: TransitionRequest): Promise<Task | null> {
  assertAllowed(request);
  const updated = await getPrisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      Array<{ status: TaskStatus; attempts: number; revision: number; job_id: string | null }>
    >`SELECT status, attempts, revision, job_id FROM tasks WHERE id = ${request.taskId}::uuid FOR UPDATE`;
    const current = rows[0];
    if (!current || !request.from.includes(current.status)) return null;
    if (request.attempt !== undefined && current.attempts !== request.attempt) return null;
    if (request.revision !== undefined && current.revision !== request.revision) return null;
    if (request.jobId !== undefined && current.job_id !== request.jobId) return null;
    const task = await tx.task.update({
      where: { id: request.taskId },
      data: { ...request.data, status: request.to, revision: { increment: 1 }, seq: 0 },
    });
    await tx.taskTransition.create({
      data: {
        id: uuid7(),
        taskId: task.id,
        revision: task.revision,
        attempt: task.attempts,
        fromStatus: current.status,
        toStatus: request.to,
        reason: request.reason?.slice(0, 500) ?? null,
        actorId: request.actorId ?? null,
      },
    });
    if (request.enqueue && task.jobId) {
      const dueAt = new Date(Date.now() + OUTBOX_GRACE_MS);
      await tx.$executeRaw`INSERT INTO task_outbox (job_id, task_id, due_at)
        VALUES (${task.jobId}, ${task.id}::uuid, ${dueAt}) ON CONFLICT (job_id) DO NOTHING`;
    }
    return task;
  });
  if (updated) {
    await publishTaskState(updated);
    if (request.enqueue) await dispatchJob(updated);
  }
  return updated;
}

/**
 * Ends a `cancelling` task as cancelled, whoever settles it (the worker holding it, a backstop,
 * a lost job), while the guard still holds.
 */
export function endCancelling(
  taskId: string,
  guard: Pick<TransitionRequest, 'attempt' | 'revision' | 'jobId'>,
  reason: string,
): Promise<Task | null> {
  return transitionTask({
    taskId,
    ...guard,
    from: ['cancelling'],
    to: 'cancelled',
    data: { finishedAt: new Date(), progressMessage: 'Cancelled' },
    reason,
  });
}

/** Publishes the task's whole current state as one update. */
export function publishTaskState(task: Task, extra: Partial<TaskUpdate> = {}) {
  return publishBusMessage({
    kind: 'task.updated',
    ownerId: task.ownerId,
    update: { ...toTaskUpdate(task), ...extra, emittedAt: nowMs() },
  });
}
