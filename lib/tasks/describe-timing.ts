import { estimateRemainingMs, formatDuration } from './eta';
import type { TaskView } from './task-view';

// What a task row says about time: countdowns and the time left. Pure, so it is tested
// without a browser; components/task-timing.tsx ticks it once a second.

export type TimedTask = Pick<
  TaskView,
  | 'status'
  | 'progress'
  | 'attempts'
  | 'maxAttempts'
  | 'runAt'
  | 'retryAt'
  | 'startedAt'
  | 'cancelRequestedAt'
>;

/** Under half a second left reads as "now": a countdown stuck at "0 s" looks broken. */
const DUE_WITHIN_MS = 500;

const epoch = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** What the row says about time for a task in this state, or null when there is nothing to say. */
export function describeTiming(
  task: TimedTask,
  now: number,
  typicalMs: number | null,
): string | null {
  switch (task.status) {
    case 'delayed': {
      const runAt = epoch(task.runAt);
      if (runAt === null) return null;
      const left = runAt - now;
      return left > DUE_WITHIN_MS
        ? `Starts in ${formatDuration(left)}`
        : 'Due, waiting for a worker';
    }
    case 'retrying': {
      const retryAt = epoch(task.retryAt);
      const attempt = `(attempt ${task.attempts + 1} of ${task.maxAttempts})`;
      if (retryAt === null) return `Retrying ${attempt}`;
      const left = retryAt - now;
      return left > DUE_WITHIN_MS
        ? `Retrying in ${formatDuration(left)} ${attempt}`
        : `Retrying now ${attempt}`;
    }
    case 'running': {
      const startedAt = epoch(task.startedAt);
      if (startedAt === null) return null;
      const left = estimateRemainingMs({ progress: task.progress, startedAt, now, typicalMs });
      if (left === null) return 'Estimating time left…';
      return `about ${formatDuration(Math.max(1_000, left))} left`;
    }
    case 'cancelling': {
      const requestedAt = epoch(task.cancelRequestedAt);
      if (requestedAt === null) return 'Stopping…';
      return `Stopping: requested ${formatDuration(Math.max(0, now - requestedAt))} ago`;
    }
    default:
      return null;
  }
}

export function hasTiming(status: TaskView['status']): boolean {
  return ['delayed', 'retrying', 'running', 'cancelling'].includes(status);
}
