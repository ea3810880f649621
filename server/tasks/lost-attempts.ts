import { getLogger } from '@/lib/logger';
import type { Task } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { computeBackoffMs } from './backoff';
import { findTaskType } from './registry';
import { enqueueTaskJob, nextJobId } from './task-jobs';
import { endCancelling, transitionTask } from './task-transitions';

// What happens to a task whose BullMQ job failed without our runner settling it (BullMQ's own
// stalled limit, a Redis error inside the runner), vanished (Redis lost its data) or whose
// worker died. Called by the worker's failed-job handler and by the reconciler; every move is
// guarded on the job, so two of them racing, or a late outcome, change nothing twice.

export type LostJobRepair = 'restarted' | 'failed' | 'cancelled' | 'requeued';

/** A running attempt that no worker will finish: the next attempt, or failed after the last. */
async function restartLostAttempt(task: Task, cause: string): Promise<LostJobRepair | null> {
  const message = `The worker running attempt ${task.attempts} was lost (${cause}).`.slice(0, 480);
  if (task.attempts >= task.maxAttempts) {
    const failed = await transitionTask({
      taskId: task.id,
      from: ['running'],
      to: 'failed',
      attempt: task.attempts,
      jobId: task.jobId ?? undefined,
      data: {
        finishedAt: new Date(),
        progressMessage: 'Failed',
        error: { code: 'worker_lost', message },
      },
      reason: `worker_lost: ${message}`,
    });
    return failed ? 'failed' : null;
  }
  const backoff = findTaskType(task.type)?.defaults.backoff;
  const retryAt = new Date(Date.now() + (backoff ? computeBackoffMs(backoff, task.attempts) : 0));
  // A new job: the lost one may linger in BullMQ as failed, and its id would make the add a no-op.
  const restarted = await transitionTask({
    taskId: task.id,
    from: ['running'],
    to: 'retrying',
    attempt: task.attempts,
    jobId: task.jobId ?? undefined,
    data: {
      jobId: nextJobId(task),
      retryAt,
      progressMessage: `Attempt ${task.attempts} was lost; retrying`,
      error: { code: 'worker_lost', message },
    },
    reason: `worker_lost: ${message}`,
    enqueue: true,
  });
  return restarted ? 'restarted' : null;
}

/** A waiting task whose job is gone or finished: its job again, with the same id and delay. */
export async function requeueWaitingTask(task: Task): Promise<boolean> {
  if (!task.jobId) return false;
  const job = await getQueue(task.queue).getJob(task.jobId);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    await job.remove();
  }
  await enqueueTaskJob(task);
  return true;
}

/** Settles the task of a job that failed or vanished outside the runner. */
export async function recoverLostJob(
  taskId: string,
  jobId: string,
  cause: string,
): Promise<LostJobRepair | null> {
  const task = await getPrisma().task.findUnique({ where: { id: taskId } });
  if (!task || task.jobId !== jobId) return null;
  switch (task.status) {
    case 'running':
      return restartLostAttempt(task, cause);
    case 'cancelling': {
      const done = await endCancelling(task.id, { jobId }, `The job was lost while cancelling.`);
      return done ? 'cancelled' : null;
    }
    case 'queued':
    case 'delayed':
    case 'retrying':
      return (await requeueWaitingTask(task)) ? 'requeued' : null;
    default:
      return null;
  }
}

/** For the worker's failed-job event: never throws (the reconciler is the backstop). */
export function recoverFailedJob(taskId: string, jobId: string, cause: string): void {
  recoverLostJob(taskId, jobId, cause).then(
    (repair) => {
      if (repair) getLogger().warn({ taskId, jobId, cause, repair }, 'recovered a lost job');
    },
    (error: unknown) =>
      getLogger().error({ err: error, taskId, jobId }, 'could not recover a failed job'),
  );
}
