import { endCancelling, transitionTask } from './task-transitions';

/**
 * Called for the jobs BullMQ moved to failed on its own (a job that stalled more often than
 * allowed, its workers lost); the guards make it harmless for any other failed job.
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
  return endCancelling(taskId, { jobId }, 'The job was lost while cancelling.');
}
