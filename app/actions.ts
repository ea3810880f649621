'use server';

import { runAction } from '@/server/http/action';

export async function requestReport(formData: FormData) {
  return runAction('requestReport', formData);
}

export async function loadMoreTasks(cursor: string, limit: number) {
  return runAction('loadMoreTasks', cursor, limit);
}
