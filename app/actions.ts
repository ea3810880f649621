'use server';

import type { BulkTaskAction } from '@/lib/tasks/task-inputs';
import { runAction } from '@/server/http/action';

export async function requestReport(formData: FormData) {
  return runAction('requestReport', formData);
}

export async function loadMoreTasks(cursor: string, limit: number) {
  return runAction('loadMoreTasks', cursor, limit);
}

export async function cancelTask(id: string) {
  return runAction('cancelTask', id);
}

export async function retryTask(id: string) {
  return runAction('retryTask', id);
}

export async function runBulkTaskAction(action: BulkTaskAction['action'], ids: string[]) {
  return runAction('runBulkTaskAction', action, ids);
}

export async function loadTaskHistory(id: string) {
  return runAction('loadTaskHistory', id);
}

export async function setQueuePaused(name: string, paused: boolean) {
  return runAction('setQueuePaused', name, paused);
}
