import { forEachBounded } from '@/lib/for-each-bounded';
import { getLogger } from '@/lib/logger';
import { TERMINAL_STATUSES, type TaskStatus } from '@/lib/tasks/task-view';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import type { BulkOutcome, BulkResult } from './task-control';
import { taskStoragePrefix } from './task-type';

// Admins delete finished tasks by hand, as retention does by age: the files first, then the
// rows (transitions, files and logs go with them by cascade). An unfinished task is never
// deleted; a worker may still be writing to it.

const FINISHED = [...TERMINAL_STATUSES];
/** Storage removals in flight at once. */
const DELETE_CONCURRENCY = 8;
/** The transaction holds the rows while their files are removed; this bounds it. */
const TRANSACTION_TIMEOUT_MS = 60_000;

async function removeFiles(ids: readonly string[]): Promise<Set<string>> {
  const storage = getStorage();
  const failed = new Set<string>();
  await forEachBounded(ids, DELETE_CONCURRENCY, async (id) => {
    try {
      await storage.deletePrefix(taskStoragePrefix(id));
    } catch (error) {
      getLogger().warn({ err: error, taskId: id }, 'could not remove a deleted task’s files');
      failed.add(id);
    }
  });
  return failed;
}

export interface DeletionOutcome {
  /** The deleted tasks, with the status each had. */
  deleted: Map<string, TaskStatus>;
  /** Why each other finished or unfinished id stayed (an unknown id is in neither). */
  kept: Map<string, string>;
}

/**
 * Deletes these tasks if they finished, with their stored files; no authorization and no audit
 * (the callers do both). Locks the finished ones only, so a running task's writes never wait.
 */
export async function deleteFinishedTasks(
  requestedIds: readonly string[],
): Promise<DeletionOutcome> {
  const ids = [...new Set(requestedIds)];
  return getPrisma().$transaction(
    async (tx) => {
      // A row retried by hand meanwhile no longer matches once its lock is released.
      const finished = await tx.$queryRaw<Array<{ id: string; status: TaskStatus }>>`
        SELECT id, status FROM tasks
        WHERE id = ANY(${ids}::uuid[]) AND status = ANY(${FINISHED}::task_status[])
        ORDER BY id
        FOR UPDATE`;
      const finishedIds = new Set(finished.map((row) => row.id));
      const others = await tx.task.findMany({
        where: { id: { in: ids.filter((id) => !finishedIds.has(id)) } },
        select: { id: true, status: true },
      });
      // Files before rows: a failure leaves a row to delete again, never orphaned files.
      const failed = await removeFiles([...finishedIds]);
      const removable = [...finishedIds].filter((id) => !failed.has(id));
      if (removable.length > 0) {
        await tx.$executeRaw`DELETE FROM tasks WHERE id = ANY(${removable}::uuid[])`;
      }
      return {
        deleted: new Map(
          finished.filter((row) => !failed.has(row.id)).map((row) => [row.id, row.status]),
        ),
        kept: new Map<string, string>([
          ...others.map((row): [string, string] => [row.id, `still ${row.status}`]),
          ...[...failed].map((id): [string, string] => [
            id,
            'its files could not be removed; try again',
          ]),
        ]),
      };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/**
 * Admins: deletes these tasks if they finished (succeeded, failed or cancelled), with their
 * stored files; each other id is reported with the reason it stayed. Audited once.
 */
export async function deleteTasksInBulk(
  principal: Principal,
  requestedIds: readonly string[],
  context: AuditContext,
): Promise<BulkResult> {
  const admin = requireAdmin(principal);
  const ids = [...new Set(requestedIds)];
  const { deleted, kept } = await deleteFinishedTasks(ids);

  const results: BulkOutcome[] = ids.map((id) => {
    const status = deleted.get(id);
    if (status) return { id, ok: true, status };
    return { id, ok: false, error: kept.get(id) ?? 'No such task.' };
  });
  await recordAudit(admin, 'tasks.bulk_delete', null, context, {
    requested: ids.length,
    succeeded: deleted.size,
    ids: ids.slice(0, 100),
    deletedIds: [...deleted.keys()].slice(0, 100),
  });
  return { results, succeeded: deleted.size, failed: results.length - deleted.size };
}
