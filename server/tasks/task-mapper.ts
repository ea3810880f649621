import type { Task } from '@/lib/generated/prisma/client';
import type { TaskUpdate } from '@/lib/realtime/events';
import type { ScheduleTrigger, TaskErrorView, TaskView } from '@/lib/tasks/task-view';
import { findTaskType } from './registry';
import { labelTaskType, summarizePayload, type TaskFileOutput } from './task-type';

/** The task's main output, as kept in its result. */
export type MainFile = Pick<TaskFileOutput, 'key' | 'name' | 'contentType' | 'size'>;

export function resultUrlFor(taskId: string): string {
  return `/api/v1/tasks/${taskId}/result`;
}

export function readResultFile(result: unknown): MainFile | null {
  if (typeof result !== 'object' || result === null || !('file' in result)) return null;
  const file = (result as { file: unknown }).file;
  if (typeof file !== 'object' || file === null) return null;
  const { key, name, contentType, size } = file as Record<string, unknown>;
  if (typeof key !== 'string' || typeof name !== 'string' || typeof contentType !== 'string') {
    return null;
  }
  return { key, name, contentType, size: typeof size === 'number' ? size : 0 };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The columns a task's view is made of (lists read only these). */
export type TaskViewSource = Pick<
  Task,
  | 'id'
  | 'type'
  | 'queue'
  | 'status'
  | 'priority'
  | 'progress'
  | 'progressMessage'
  | 'payload'
  | 'result'
  | 'error'
  | 'attempts'
  | 'maxAttempts'
  | 'revision'
  | 'seq'
  | 'ownerId'
  | 'createdAt'
  | 'runAt'
  | 'retryAt'
  | 'cancelRequestedAt'
  | 'startedAt'
  | 'finishedAt'
  | 'scheduleId'
  | 'scheduleTrigger'
  | 'parentTaskId'
>;

export function toTaskView(task: TaskViewSource): TaskView {
  // A type no longer registered (rows outlive code) shows by its name, without a summary.
  const type = findTaskType(task.type);
  return {
    id: task.id,
    type: task.type,
    label: type ? labelTaskType(type) : task.type,
    summary: type ? summarizePayload(type, task.payload) : null,
    queue: task.queue,
    status: task.status,
    priority: task.priority,
    progress: task.progress,
    progressMessage: task.progressMessage,
    payload: task.payload,
    result: task.result,
    error: (task.error as TaskErrorView | null) ?? null,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    revision: task.revision,
    seq: task.seq,
    ownerId: task.ownerId,
    createdAt: task.createdAt.toISOString(),
    runAt: iso(task.runAt),
    retryAt: iso(task.retryAt),
    cancelRequestedAt: iso(task.cancelRequestedAt),
    startedAt: iso(task.startedAt),
    finishedAt: iso(task.finishedAt),
    resultUrl:
      task.status === 'succeeded' && readResultFile(task.result) ? resultUrlFor(task.id) : null,
    scheduleId: task.scheduleId,
    scheduleTrigger: (task.scheduleTrigger as ScheduleTrigger | null) ?? null,
    parentTaskId: task.parentTaskId,
  };
}

/** The task's whole mutable state as a live update (sent on every status change). */
export function toTaskUpdate(task: Task): Omit<TaskUpdate, 'emittedAt'> {
  const view = toTaskView(task);
  return {
    id: view.id,
    attempt: view.attempts,
    revision: view.revision,
    seq: view.seq,
    status: view.status,
    progress: view.progress,
    progressMessage: view.progressMessage,
    priority: view.priority,
    error: view.error,
    result: view.result,
    runAt: view.runAt,
    retryAt: view.retryAt,
    cancelRequestedAt: view.cancelRequestedAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    resultUrl: view.resultUrl,
  };
}
