import { transitionTask } from './task-transitions';

/**
 * Called for every job BullMQ moved to failed. The runner settles the task itself before it
 * lets a job fail, so for those this changes nothing; what is left are failures BullMQ decided
 * alone (a job that stalled more often than allowed, its workers lost).
 */
export async function settleLostJob(taskId: string, jobId: string, message: string) {
  const error = { code: 'job_lost', message: `The job was lost: ${message}`.slice(0, 500) };
  const failed = await transitionTask({
    taskId,
    from: ['queued', 'delayed', 'running', 'retrying'],
    to: 'failed',
    jobId,
    data: { error, finishedAt: new Date(), progressMessage: 'Failed' },
    reason: `${error.code}: ${error.message}`,
  });
  if (failed) return failed;
  return transitionTask({
    taskId,
    from: ['cancelling'],
    to: 'cancelled',
    jobId,
    data: { finishedAt: new Date(), progressMessage: 'Cancelled' },
    reason: 'The job was lost while cancelling.',
  });
}
