import { NotFoundError } from '@/lib/errors';
import { taskIdSchema } from '@/lib/tasks/task-inputs';
import type { TaskTransitionView, TaskView } from '@/lib/tasks/task-view';
import {
  canSeeTask,
  requireUser,
  visibleTasksWhere,
  type Principal,
} from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import { checkRange, type ByteRange } from '@/server/storage/storage-keys';
import { listTaskTypes } from './registry';
import { readResultFile, toTaskView } from './task-mapper';
import { listTasks } from './task-search';

export async function findVisibleTask(principal: Principal, id: string) {
  requireUser(principal);
  if (!taskIdSchema.safeParse(id).success) throw new NotFoundError('No such task.');
  const task = await getPrisma().task.findUnique({ where: { id } });
  // Someone else's task answers exactly like a missing one, so ids leak nothing.
  if (!task || !canSeeTask(principal, task)) throw new NotFoundError('No such task.');
  return task;
}

export async function getTask(principal: Principal, id: string): Promise<TaskView> {
  return toTaskView(await findVisibleTask(principal, id));
}

/** The subset of these ids the principal may see, as current snapshots. */
export async function getVisibleTasks(principal: Principal, ids: string[]): Promise<TaskView[]> {
  const user = requireUser(principal);
  if (ids.length === 0) return [];
  const tasks = await getPrisma().task.findMany({
    where: { id: { in: ids }, ...visibleTasksWhere(user) },
  });
  return tasks.map(toTaskView);
}

// Listing lives in task-search.ts (filters, search, keyset pages); re-exported for its callers.
export { listTasks };
export type { TaskPage } from './task-search';

/** Follow-ups a task page lists: more than this are in GET /api/v1/tasks?parent=<id>. */
const FOLLOW_UPS_SHOWN = 50;

/**
 * The children of a task the principal may see, newest first: a user sees their own (an
 * admin's endpoint's delivery of the same event is the admin's). None for a child itself.
 */
export async function listTaskFollowUps(
  principal: Principal,
  task: Pick<TaskView, 'id' | 'parentTaskId'>,
): Promise<TaskView[]> {
  if (task.parentTaskId !== null) return [];
  const page = await listTasks(principal, { parent: task.id, limit: FOLLOW_UPS_SHOWN });
  return page.data;
}

/** What identifies one stored version of a file: validators for conditional downloads. */
export interface FileVersion {
  id: string | null;
  sha256: string | null;
  modifiedAt: Date | null;
}

/**
 * Picks the bytes to read once the file is found: a range, or null for the whole file. May throw
 * (a 416) before anything is opened or audited. Made from the request by server/http.
 */
export type RangeChooser = (file: { size: number; version: FileVersion }) => ByteRange | null;

export interface StoredFileRef {
  key: string;
  name: string;
  contentType: string;
  /** As recorded when written; the range is chosen against it before the store is asked. */
  size: number;
  version: FileVersion;
}

/**
 * Opens a stored file of a task the principal may see (the caller checked that), recording in
 * the audit log when an admin reads another user's file: once per request, a ranged one too
 * (a resumed download is still a download), none for a range refused before any byte is read.
 */
export async function openTaskStoredFile(
  principal: Principal,
  task: { id: string; ownerId: string | null },
  file: StoredFileRef,
  context: AuditContext,
  chooseRange?: RangeChooser,
) {
  const wanted = chooseRange?.({ size: file.size, version: file.version }) ?? null;
  const { stream, size } = await getStorage().read(file.key, wanted ? { range: wanted } : {});
  // The store cuts the range to the object as it really is; the answer must say the same.
  const range = wanted && checkRange(wanted, size);
  if (principal.kind === 'user' && task.ownerId !== principal.userId) {
    await recordAudit(principal, 'task.result_download', { type: 'task', id: task.id }, context, {
      ownerId: task.ownerId,
      file: file.name,
      ...(range ? { range: `${range.start}-${range.end}` } : {}),
    });
  }
  return {
    stream,
    size,
    range,
    name: file.name,
    contentType: file.contentType,
    version: file.version,
  };
}

/** The task's main output (the first of its files). */
export async function openTaskResult(
  principal: Principal,
  id: string,
  context: AuditContext,
  chooseRange?: RangeChooser,
) {
  const task = await findVisibleTask(principal, id);
  const file = task.status === 'succeeded' ? readResultFile(task.result) : null;
  if (!file) throw new NotFoundError('This task has no file to download.');
  // The result names the file by key; its row holds the id and digest the validators come from.
  const row = await getPrisma().taskFile.findFirst({
    where: { taskId: task.id, storageKey: file.key },
    select: { id: true, sha256: true, size: true, createdAt: true },
  });
  const version: FileVersion = row
    ? { id: row.id, sha256: row.sha256, modifiedAt: row.createdAt }
    : { id: null, sha256: null, modifiedAt: task.finishedAt };
  const size = row ? Number(row.size) : file.size;
  return openTaskStoredFile(principal, task, { ...file, size, version }, context, chooseRange);
}

/** The task's timeline: every status change, oldest first. */
export async function listTaskTransitions(
  principal: Principal,
  id: string,
): Promise<TaskTransitionView[]> {
  const task = await findVisibleTask(principal, id);
  const rows = await getPrisma().taskTransition.findMany({
    where: { taskId: task.id },
    orderBy: { revision: 'asc' },
    take: 1_000,
  });
  return rows.map((row) => ({
    revision: row.revision,
    attempt: row.attempt,
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    actorId: row.actorId,
    at: row.at.toISOString(),
  }));
}

/**
 * Median run time of each type's last 50 successful tasks, the history half of the ETA shown
 * while a task runs. One index range scan per type (tasks_type_created_idx), so it stays cheap
 * however many tasks there are.
 */
export async function getTypicalDurations(principal: Principal): Promise<Record<string, number>> {
  requireUser(principal);
  const types = listTaskTypes().map((type) => type.name);
  const rows = await getPrisma().$queryRaw<Array<{ type: string; median_ms: number | null }>>`
    SELECT t.type, (
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8
      FROM (
        SELECT EXTRACT(EPOCH FROM finished_at - started_at) * 1000 AS ms
        FROM tasks
        WHERE type = t.type AND status = 'succeeded' AND started_at IS NOT NULL
        ORDER BY created_at DESC
        LIMIT 50
      ) recent
    ) AS median_ms
    FROM unnest(${types}::text[]) AS t(type)`;
  return Object.fromEntries(
    rows.flatMap((row) => (row.median_ms === null ? [] : [[row.type, Math.round(row.median_ms)]])),
  );
}

/** The owner's email, for an admin looking at someone else's task; null for one's own. */
export async function findOtherOwnerEmail(
  principal: Principal,
  task: Pick<TaskView, 'ownerId'>,
): Promise<string | null> {
  const user = requireUser(principal);
  if (!task.ownerId || task.ownerId === user.userId || user.role !== 'admin') return null;
  const owner = await getPrisma().user.findUnique({
    where: { id: task.ownerId },
    select: { email: true },
  });
  return owner?.email ?? `user ${task.ownerId.slice(0, 8)}`;
}
