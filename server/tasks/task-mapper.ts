import type { Task } from '@/lib/generated/prisma/client';
import type { TaskErrorView, TaskView } from '@/lib/tasks/task-view';
import type { TaskFileOutput } from './task-type';

export function resultUrlFor(taskId: string): string {
  return `/api/v1/tasks/${taskId}/result`;
}

export function readResultFile(result: unknown): TaskFileOutput | null {
  if (typeof result !== 'object' || result === null || !('file' in result)) return null;
  const file = (result as { file: unknown }).file;
  if (typeof file !== 'object' || file === null) return null;
  const { key, name, contentType, size } = file as Record<string, unknown>;
  if (typeof key !== 'string' || typeof name !== 'string' || typeof contentType !== 'string') {
    return null;
  }
  return { key, name, contentType, size: typeof size === 'number' ? size : 0 };
}

export function toTaskView(task: Task): TaskView {
  return {
    id: task.id,
    type: task.type,
    queue: task.queue,
    status: task.status,
    progress: task.progress,
    progressMessage: task.progressMessage,
    payload: task.payload,
    result: task.result,
    error: (task.error as TaskErrorView | null) ?? null,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    seq: task.seq,
    ownerId: task.ownerId,
    createdAt: task.createdAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
    resultUrl:
      task.status === 'succeeded' && readResultFile(task.result) ? resultUrlFor(task.id) : null,
  };
}
