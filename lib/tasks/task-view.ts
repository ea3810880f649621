// The shape of a task outside the server: REST bodies, socket events and React props.
// Safe to import from the browser.

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
]);

export interface TaskErrorView {
  code: string;
  message: string;
}

export interface TaskView {
  id: string;
  type: string;
  queue: string;
  status: TaskStatus;
  progress: number;
  progressMessage: string | null;
  payload: unknown;
  result: unknown;
  error: TaskErrorView | null;
  attempts: number;
  maxAttempts: number;
  /** Orders events within an attempt; see lib/realtime/merge-task-update.ts. */
  seq: number;
  ownerId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Where the task's output file can be downloaded, once there is one. */
  resultUrl: string | null;
}

export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
