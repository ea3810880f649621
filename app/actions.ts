'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { isAppError, toFieldErrors, type FieldError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import type { TaskView } from '@/lib/tasks/task-view';
import { authenticateRequest } from '@/server/auth/principal';
import { createTask, listTasks, type TaskPage } from '@/server/tasks/task-service';

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; message: string; fieldErrors: FieldError[] };

function failure(error: unknown, action: string): ActionResult<never> {
  if (isAppError(error)) {
    const fieldErrors = 'fieldErrors' in error ? (error.fieldErrors as FieldError[]) : [];
    return { ok: false, message: error.message, fieldErrors };
  }
  getLogger().error({ err: error, action }, 'server action failed');
  return { ok: false, message: 'Something went wrong on our side. Try again.', fieldErrors: [] };
}

const reportFormSchema = z.object({
  from: z.string().trim().optional(),
  to: z.string().trim().optional(),
});

export async function requestReport(formData: FormData): Promise<ActionResult<TaskView>> {
  const parsed = reportFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return {
      ok: false,
      message: 'Check the dates.',
      fieldErrors: toFieldErrors(parsed.error.issues),
    };
  }
  try {
    const principal = await authenticateRequest(await headers());
    const payload = { from: parsed.data.from || undefined, to: parsed.data.to || undefined };
    return { ok: true, data: await createTask(principal, { type: 'report.generate', payload }) };
  } catch (error) {
    return failure(error, 'requestReport');
  }
}

export async function loadMoreTasks(
  cursor: string,
  limit: number,
): Promise<ActionResult<TaskPage>> {
  const parsed = z
    .object({ cursor: z.string().min(1).max(200), limit: z.number().int().min(1).max(100) })
    .safeParse({ cursor, limit });
  if (!parsed.success) return { ok: false, message: 'Invalid page request.', fieldErrors: [] };
  try {
    const principal = await authenticateRequest(await headers());
    return { ok: true, data: await listTasks(principal, parsed.data) };
  } catch (error) {
    return failure(error, 'loadMoreTasks');
  }
}
