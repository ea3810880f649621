import type { TaskStatus } from './task-view';

// The lifecycle, in one table. Every status change goes through server/tasks/task-transitions.ts,
// which refuses any move not listed here.
const ALLOWED: Record<TaskStatus, readonly TaskStatus[]> = {
  // running: picked up; cancelled: by request; failed: settled without running (never because
  // Redis was down: such tasks wait in the outbox, see server/durability/).
  queued: ['running', 'cancelled', 'failed'],
  delayed: ['running', 'cancelled', 'failed'],
  // running → running: the worker holding it was lost and another starts a new attempt.
  // running → queued: handed back by a stopping worker, without using up an attempt.
  running: ['running', 'queued', 'retrying', 'cancelling', 'succeeded', 'failed'],
  retrying: ['running', 'cancelled', 'failed'],
  // Whatever the attempt does once a cancel is requested, the task ends cancelled.
  cancelling: ['cancelled'],
  succeeded: [],
  // Retried by hand: the same task, queued for a new attempt.
  failed: ['queued'],
  cancelled: ['queued'],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function allowedTransitions(from: TaskStatus): readonly TaskStatus[] {
  return ALLOWED[from];
}
