import type { TaskLogLine } from '@/lib/realtime/events';
import type { TaskErrorView } from '@/lib/tasks/task-view';
import type { Task } from '@/lib/generated/prisma/client';
import { clearCancelRequest } from '@/server/tasks/cancel-relay';
import {
  endCancelling,
  transitionTask,
  type TransitionedTask,
  type TransitionRequest,
} from '@/server/tasks/task-transitions';
import type { TaskOutput } from '@/server/tasks/task-type';

// How one attempt ends, as status changes. Each is guarded on the attempt, so the late outcome
// of an attempt that was already settled elsewhere (a forced cancel) changes nothing. Each also
// carries the attempt's last log lines, written by the same statement as the outcome.

export type AttemptEnd =
  | { kind: 'succeeded'; task: TransitionedTask }
  | { kind: 'retrying'; retryAt: Date }
  | { kind: 'failed'; error: TaskErrorView; task: TransitionedTask }
  | { kind: 'handed-back' }
  | { kind: 'cancelled' }
  /** Another process settled it first; nothing was changed. */
  | { kind: 'settled-elsewhere' };

/** Ends a cancelling task of this attempt as cancelled, whatever the attempt produced. */
export async function endCancelled(
  task: Task,
  reason: string,
  logLines: TaskLogLine[] = [],
): Promise<AttemptEnd> {
  const done = await endCancelling(task.id, { attempt: task.attempts }, reason, logLines);
  await clearCancelRequest(task.id);
  return done ? { kind: 'cancelled' } : { kind: 'settled-elsewhere' };
}

/**
 * Moves a running attempt on; when a cancel was requested meanwhile (the task is `cancelling`),
 * the attempt's outcome is dropped and the task ends cancelled instead.
 */
async function endRunning(
  task: Task,
  request: Omit<TransitionRequest, 'taskId' | 'from' | 'attempt'>,
  end: (moved: TransitionedTask) => AttemptEnd,
): Promise<AttemptEnd> {
  const moved = await transitionTask({
    ...request,
    taskId: task.id,
    from: ['running'],
    attempt: task.attempts,
  });
  if (moved) return end(moved);
  // The log lines were written by the statement above, whether or not it moved the task.
  return endCancelled(task, 'Cancel requested before the attempt ended; its outcome is ignored.');
}

export function endSucceeded(
  task: Task,
  output: TaskOutput,
  progressMessage: string,
  logLines: TaskLogLine[] = [],
) {
  const files = output.files ?? [];
  const main = files[0];
  // The main file rides in the result too, so lists can link it without reading task_files.
  const result = {
    ...output.result,
    ...(main
      ? { file: { key: main.key, name: main.name, contentType: main.contentType, size: main.size } }
      : {}),
  };
  return endRunning(
    task,
    {
      to: 'succeeded',
      data: { progress: 100, progressMessage, result, error: null, finishedAt: new Date() },
      // In the same statement as the status: a task is never succeeded without its files.
      outputFiles: files,
      logLines,
    },
    (moved) => ({ kind: 'succeeded', task: moved }),
  );
}

export function endRetrying(
  task: Task,
  error: TaskErrorView,
  retryAt: Date,
  progress: number,
  logLines: TaskLogLine[] = [],
  errorDetail?: string,
) {
  const seconds = Math.max(0, Math.round((retryAt.getTime() - Date.now()) / 1000));
  return endRunning(
    task,
    {
      to: 'retrying',
      data: {
        progress,
        progressMessage: `Attempt ${task.attempts} failed; retrying in ${seconds} s`,
        error: { ...error },
        retryAt,
      },
      reason: `${error.code}: ${error.message}`,
      errorDetail,
      logLines,
    },
    () => ({ kind: 'retrying', retryAt }),
  );
}

export function endFailed(
  task: Task,
  error: TaskErrorView,
  progress: number,
  logLines: TaskLogLine[] = [],
  errorDetail?: string,
) {
  return endRunning(
    task,
    {
      to: 'failed',
      data: { progress, progressMessage: 'Failed', error: { ...error }, finishedAt: new Date() },
      reason: `${error.code}: ${error.message}`,
      errorDetail,
      logLines,
    },
    (moved) => ({ kind: 'failed', error, task: moved }),
  );
}

/** A stopping worker gives the task back without using up one of its attempts. */
export function endHandedBack(task: Task, progress: number, logLines: TaskLogLine[] = []) {
  return endRunning(
    task,
    {
      to: 'queued',
      data: {
        attempts: 'decrement',
        progress,
        progressMessage: 'Interrupted by a worker shutdown; it will resume.',
      },
      reason: 'Worker shutdown: handed back to the queue.',
      logLines,
    },
    () => ({ kind: 'handed-back' }),
  );
}
