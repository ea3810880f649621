import { PermanentTaskError } from '@/lib/errors';
import type { TaskErrorView } from '@/lib/tasks/task-view';

// How a failed attempt is described to the user: a stable code, the message, and its cause.

export class TaskTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The task took longer than its hard time limit of ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'TaskTimeoutError';
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 500);
  if (typeof cause === 'string') return cause.slice(0, 500);
  return undefined;
}

export function describeError(error: unknown): TaskErrorView {
  if (error instanceof TaskTimeoutError) return { code: 'timeout', message: error.message };
  if (error instanceof PermanentTaskError) {
    const cause = describeCause(error.cause);
    return { code: error.code, message: error.message, ...(cause ? { cause } : {}) };
  }
  if (error instanceof Error) {
    const cause = describeCause(error.cause);
    return { code: error.name || 'Error', message: error.message, ...(cause ? { cause } : {}) };
  }
  return { code: 'Error', message: String(error) };
}
