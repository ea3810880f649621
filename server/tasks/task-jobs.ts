import { ServiceUnavailableError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import type { TaskPriority } from '@/lib/tasks/task-view';
import type { Task } from '@/lib/generated/prisma/client';
import { getQueue } from '@/server/infra/queues';
import type { TaskJobData } from './task-runner';
import { transitionTask } from './task-transitions';

// BullMQ takes lower numbers first. Every job gets one: BullMQ runs jobs without a priority
// before all prioritized ones, which would put them ahead of urgent work.
const BULLMQ_PRIORITY: Record<TaskPriority, number> = { urgent: 1, high: 2, normal: 3, low: 4 };

/** Adds the job of the task's next attempt (its id is task.jobId). */
export async function enqueueTaskJob(task: Task): Promise<void> {
  if (!task.jobId) throw new Error(`Task ${task.id} has no job id`);
  const delay = task.runAt ? Math.max(0, task.runAt.getTime() - Date.now()) : 0;
  const data: TaskJobData = { taskId: task.id };
  await getQueue(task.queue).add(task.type, data, {
    jobId: task.jobId,
    priority: BULLMQ_PRIORITY[task.priority],
    ...(delay > 0 ? { delay } : {}),
    // Retries are the runner's (task-runner.ts), so the countdown shown is the real one.
    attempts: 1,
    // Postgres keeps the history; Redis keeps only what BullMQ needs.
    removeOnComplete: { age: 3_600, count: 1_000 },
    removeOnFail: { age: 7 * 86_400, count: 10_000 },
  });
}

/** Enqueues; when Redis refuses, the task is marked failed and the caller gets a 503. */
export async function enqueueOrFail(task: Task): Promise<void> {
  try {
    await enqueueTaskJob(task);
  } catch (error) {
    getLogger().error({ err: error, taskId: task.id }, 'could not enqueue task');
    await transitionTask({
      taskId: task.id,
      from: [task.status],
      to: 'failed',
      revision: task.revision,
      data: {
        finishedAt: new Date(),
        error: { code: 'enqueue_failed', message: 'The task could not be queued.' },
      },
      reason: 'enqueue_failed: Redis refused the job.',
    });
    throw new ServiceUnavailableError('The task was recorded but could not be queued. Try again.');
  }
}

/** Removes a job that has not started. False when a worker holds it (it will see the status). */
export async function removeTaskJob(task: Pick<Task, 'queue' | 'jobId'>): Promise<boolean> {
  if (!task.jobId) return true;
  return (await getQueue(task.queue).remove(task.jobId)) === 1;
}

/** A new job id for a retry by hand: `<task id>-r<n>` (BullMQ ids may not contain ':'). */
export function nextJobId(task: Pick<Task, 'id' | 'jobId'>): string {
  const match = task.jobId?.match(/-r(\d+)$/);
  return `${task.id}-r${match ? Number(match[1]) + 1 : 1}`;
}
