import { NotFoundError } from '@/lib/errors';
import { taskFileUrl, type TaskFileRole, type TaskFileView } from '@/lib/files/task-file-view';
import type { TaskLogLine } from '@/lib/realtime/events';
import { taskIdSchema } from '@/lib/tasks/task-inputs';
import type { TaskFile } from '@/lib/generated/prisma/client';
import type { Principal } from '@/server/auth/principal';
import type { AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import {
  findVisibleTask,
  openTaskStoredFile,
  type RangeChooser,
} from '@/server/tasks/task-service';

/** Log lines shown on a task's page; older ones stay in the table but are not sent. */
const MAX_LOG_LINES = 1_000;

export function toTaskFileView(file: TaskFile): TaskFileView {
  return {
    id: file.id,
    role: file.role as TaskFileRole,
    kind: file.kind,
    name: file.name,
    contentType: file.contentType,
    size: Number(file.size),
    sha256: file.sha256,
    meta: (file.meta as Record<string, unknown> | null) ?? null,
    createdAt: file.createdAt.toISOString(),
    url: taskFileUrl(file.taskId, file.id),
  };
}

/** The task's uploads and outputs, inputs first, each in the order they were made. */
export async function listTaskFiles(principal: Principal, taskId: string): Promise<TaskFileView[]> {
  const task = await findVisibleTask(principal, taskId);
  const files = await getPrisma().taskFile.findMany({
    where: { taskId: task.id },
    orderBy: [{ role: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
  return files.map(toTaskFileView);
}

export async function openTaskFile(
  principal: Principal,
  taskId: string,
  fileId: string,
  context: AuditContext,
  chooseRange?: RangeChooser,
) {
  const task = await findVisibleTask(principal, taskId);
  const file = taskIdSchema.safeParse(fileId).success
    ? await getPrisma().taskFile.findFirst({ where: { id: fileId, taskId: task.id } })
    : null;
  if (!file) throw new NotFoundError('This task has no such file.');
  const stored = {
    key: file.storageKey,
    name: file.name,
    contentType: file.contentType,
    size: Number(file.size),
    version: { id: file.id, sha256: file.sha256, modifiedAt: file.createdAt },
  };
  return openTaskStoredFile(principal, task, stored, context, chooseRange);
}

/** The processor's side: the file a task was created with. */
export async function findInputFile(taskId: string): Promise<TaskFile> {
  const file = await getPrisma().taskFile.findFirst({
    where: { taskId, role: 'input' },
    orderBy: { createdAt: 'asc' },
  });
  if (!file) throw new NotFoundError('The task has no input file.');
  return file;
}

/** The newest log lines of the task, oldest first. */
export async function listTaskLogs(principal: Principal, taskId: string): Promise<TaskLogLine[]> {
  const task = await findVisibleTask(principal, taskId);
  const rows = await getPrisma().taskLog.findMany({
    where: { taskId: task.id },
    orderBy: { id: 'desc' },
    take: MAX_LOG_LINES,
  });
  return rows.reverse().map((row) => ({
    id: row.id,
    taskId: row.taskId,
    attempt: row.attempt,
    level: row.level as TaskLogLine['level'],
    message: row.message,
    at: row.at.toISOString(),
  }));
}
