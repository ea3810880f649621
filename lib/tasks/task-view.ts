// The shape of a task outside the server: REST bodies, socket events and React props.
// Safe to import from the browser.

export const TASK_STATUSES = [
  'queued',
  'delayed',
  'running',
  'retrying',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
]);

/** Lowest first. Users may submit up to `normal`; admins any. */
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export interface TaskErrorView {
  code: string;
  message: string;
  /** What caused it, when the error says (an Error's `cause`). */
  cause?: string;
}

export interface TaskView {
  id: string;
  type: string;
  /** What a task of its type is called (the type's own label); the type's name if unknown. */
  label: string;
  /** One line about what its payload asks for, from its type; null when there is none. */
  summary: string | null;
  queue: string;
  status: TaskStatus;
  priority: TaskPriority;
  progress: number;
  progressMessage: string | null;
  payload: unknown;
  result: unknown;
  error: TaskErrorView | null;
  /** Attempts started so far (the current one included). */
  attempts: number;
  maxAttempts: number;
  /** Counts status changes; with seq it orders every change (lib/realtime/merge-task-update.ts). */
  revision: number;
  /** Orders progress reports within one revision. */
  seq: number;
  ownerId: string | null;
  createdAt: string;
  /** While delayed: when the task becomes due. */
  runAt: string | null;
  /** While retrying: when the next attempt starts. */
  retryAt: string | null;
  cancelRequestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Where the task's output file can be downloaded, once there is one. */
  resultUrl: string | null;
  /** The schedule that started it, if one did. */
  scheduleId: string | null;
  scheduleTrigger: ScheduleTrigger | null;
}

/** One entry of a task's timeline: a status change. */
export interface TaskTransitionView {
  revision: number;
  attempt: number;
  from: TaskStatus | null;
  to: TaskStatus;
  reason: string | null;
  actorId: string | null;
  at: string;
}

/** How a schedule started a task: its time came, an admin ran it now, or a missed run caught up. */
export const SCHEDULE_TRIGGERS = ['schedule', 'run_now', 'catch_up'] as const;
export type ScheduleTrigger = (typeof SCHEDULE_TRIGGERS)[number];

export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Statuses a cancel request applies to. */
export function isCancellable(status: TaskStatus): boolean {
  return !isTerminalStatus(status) && status !== 'cancelling';
}

/** Statuses a retry by hand applies to. */
export function isRetryable(status: TaskStatus): boolean {
  return status === 'failed' || status === 'cancelled';
}
