'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/server/http/action';

export async function createSchedule(input: Record<string, unknown>) {
  const result = await runAction('createSchedule', input);
  if (result.ok) revalidatePath('/admin/schedules');
  return result;
}

export async function updateSchedule(id: string, input: Record<string, unknown>) {
  const result = await runAction('updateSchedule', id, input);
  if (result.ok) revalidatePath('/admin/schedules');
  return result;
}

export async function setScheduleEnabled(id: string, enabled: boolean) {
  return runAction('setScheduleEnabled', id, enabled);
}

export async function deleteSchedule(id: string) {
  const result = await runAction('deleteSchedule', id);
  if (result.ok) revalidatePath('/admin/schedules');
  return result;
}

export async function runScheduleNow(id: string) {
  return runAction('runScheduleNow', id);
}

export async function loadScheduleRuns(id: string, cursor: string) {
  return runAction('loadScheduleRuns', id, cursor);
}
