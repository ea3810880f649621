import type { TaskErrorDetail, TaskWithDetail } from '@/lib/tasks/task-view';
import { isAdmin, type Principal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { findVisibleTask } from './task-service';
import { toTaskView } from './task-mapper';

// A failed attempt's stack and cause chain (written by the worker with the attempt's timeline
// entry, server/attempts/attempt-errors.ts) is for admins: it can name files, hosts and other
// users' data. The owner keeps the code and message of tasks.error.

/** The detail of the task's last failed attempt that recorded one, or null. */
async function readLastErrorDetail(taskId: string): Promise<TaskErrorDetail | null> {
  const row = await getPrisma().taskTransition.findFirst({
    where: { taskId, errorDetail: { not: null } },
    orderBy: { revision: 'desc' },
    select: { attempt: true, revision: true, at: true, errorDetail: true },
  });
  if (!row?.errorDetail) return null;
  return {
    attempt: row.attempt,
    revision: row.revision,
    at: row.at.toISOString(),
    text: row.errorDetail,
  };
}

/** Admins: the task's last error detail; anyone else gets null, whatever the task. */
export async function getTaskErrorDetail(
  principal: Principal,
  taskId: string,
): Promise<TaskErrorDetail | null> {
  if (!isAdmin(principal)) return null;
  const task = await findVisibleTask(principal, taskId);
  return readLastErrorDetail(task.id);
}

/** The task as GET /api/v1/tasks/{id} answers: with `errorDetail` only for an admin. */
export async function getTaskWithDetail(principal: Principal, id: string): Promise<TaskWithDetail> {
  const task = await findVisibleTask(principal, id);
  const view = toTaskView(task);
  if (!isAdmin(principal)) return view;
  return { ...view, errorDetail: await readLastErrorDetail(task.id) };
}
