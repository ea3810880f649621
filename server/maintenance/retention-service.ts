import { forEachBounded } from '@/lib/for-each-bounded';
import { getLogger } from '@/lib/logger';
import { Prisma } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { getStorage, type Storage } from '@/server/storage/storage';
import { taskStoragePrefix } from '@/server/tasks/task-type';

// Removes finished tasks past the retention age: their files first, then their rows (files,
// logs and transitions go with them by cascade). Unfinished tasks are never touched, whatever
// their age: a task retried by hand is queued again with its old finished_at.

export interface PurgeCounts {
  /** Task rows removed. */
  tasks: number;
  /** task_files rows removed with them (inputs and outputs). */
  files: number;
  /** The sizes of those files added up. */
  bytes: number;
  /** Half-written files of interrupted writes removed from storage. */
  partials: number;
  /** Tasks kept because their files could not be removed; a later run tries them again. */
  skipped: number;
}

export interface PurgeOptions {
  /** Tasks that finished before this go. */
  olderThan: Date;
  /** Tasks per batch (one transaction each). */
  batchSize?: number;
  /** Checked between batches: an abort throws, leaving finished batches done. */
  signal?: AbortSignal;
  /** Fired between batches: stop early and return what was done (complete: false). */
  stopEarly?: AbortSignal;
  /** Called after each batch with the running totals. */
  onProgress?: (progress: PurgeProgress) => void;
  storage?: Storage;
}

export interface PurgeProgress {
  totals: PurgeCounts;
  batch: PurgeCounts;
  /** Tasks that were due when the run began. */
  due: number;
}

export interface PurgeOutcome extends PurgeCounts {
  /** False when stopEarly fired before every due task was visited. */
  complete: boolean;
}

const DEFAULT_BATCH_SIZE = 500;
/** Storage deletions in flight at once: enough to hide latency, few enough to spare the disk. */
const DELETE_CONCURRENCY = 8;
/** A write left `.partial` for a day was interrupted; none takes that long. */
const PARTIAL_MAX_AGE_MS = 86_400_000;
/** The batch transaction holds its rows while their files are removed; this bounds it. */
const BATCH_TRANSACTION_TIMEOUT_MS = 5 * 60_000;

interface Cursor {
  finishedAt: Date;
  id: string;
}

/** Runs `work` on every item, at most `limit` at a time; returns the items it failed on. */
async function runBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<T[]> {
  const failed: T[] = [];
  await forEachBounded(items, limit, async (item) => {
    await work(item).catch(() => failed.push(item));
  });
  return failed;
}

async function countDue(olderThan: Date): Promise<number> {
  const rows = await getPrisma().$queryRaw<Array<{ count: number }>>`
    SELECT COUNT(*)::int AS count FROM tasks
    WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < ${olderThan}`;
  return rows[0]?.count ?? 0;
}

/**
 * One batch in one transaction: lock the next due rows (skipping any another transaction
 * holds, such as a retry by hand), remove their files, then the rows. Files go first so a
 * crash leaves rows to try again, never files nobody knows about; the locks keep a retry by
 * hand from reviving a task whose files are already gone.
 */
async function purgeBatch(
  olderThan: Date,
  after: Cursor | null,
  batchSize: number,
  storage: Storage,
): Promise<{ counts: PurgeCounts; last: Cursor | null }> {
  const logger = getLogger();
  return getPrisma().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string; finished_at: Date }>>`
        SELECT id, finished_at FROM tasks
        WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < ${olderThan}
        ${
          after
            ? Prisma.sql`AND finished_at >= ${after.finishedAt}
                AND (finished_at, id) > (${after.finishedAt}, ${after.id}::uuid)`
            : Prisma.empty
        }
        ORDER BY finished_at, id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      const lastRow = rows.at(-1);
      const last = lastRow ? { finishedAt: lastRow.finished_at, id: lastRow.id } : null;
      const ids = rows.map((row) => row.id);
      const failed = new Set(
        await runBounded(ids, DELETE_CONCURRENCY, async (id) => {
          try {
            await storage.deletePrefix(taskStoragePrefix(id));
          } catch (error) {
            logger.warn({ err: error, taskId: id }, 'retention: could not remove the files');
            throw error;
          }
        }),
      );
      const removable = ids.filter((id) => !failed.has(id));
      if (removable.length === 0) {
        return {
          counts: { tasks: 0, files: 0, bytes: 0, partials: 0, skipped: failed.size },
          last,
        };
      }
      const [files] = await tx.$queryRaw<Array<{ count: number; bytes: string }>>`
        SELECT COUNT(*)::int AS count, COALESCE(SUM(size), 0)::text AS bytes
        FROM task_files WHERE task_id = ANY(${removable}::uuid[])`;
      const tasks = await tx.$executeRaw`DELETE FROM tasks WHERE id = ANY(${removable}::uuid[])`;
      return {
        counts: {
          tasks,
          files: files?.count ?? 0,
          bytes: Number(files?.bytes ?? 0),
          partials: 0,
          skipped: failed.size,
        },
        last,
      };
    },
    { timeout: BATCH_TRANSACTION_TIMEOUT_MS, maxWait: 30_000 },
  );
}

function addCounts(a: PurgeCounts, b: PurgeCounts): PurgeCounts {
  return {
    tasks: a.tasks + b.tasks,
    files: a.files + b.files,
    bytes: a.bytes + b.bytes,
    partials: a.partials + b.partials,
    skipped: a.skipped + b.skipped,
  };
}

/**
 * Removes every task that finished (succeeded, failed or cancelled) before `olderThan`, with
 * everything it stored, in batches; then the half-written files older than a day.
 */
export async function purgeExpiredTasks(options: PurgeOptions): Promise<PurgeOutcome> {
  const storage = options.storage ?? getStorage();
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const due = await countDue(options.olderThan);
  let totals: PurgeCounts = { tasks: 0, files: 0, bytes: 0, partials: 0, skipped: 0 };
  // A keyset over (finished_at, id) moves past rows that were skipped (locked, or their files
  // could not be removed), so a stubborn task cannot keep a run going round in circles.
  let cursor: Cursor | null = null;
  let complete = true;
  for (;;) {
    options.signal?.throwIfAborted();
    if (options.stopEarly?.aborted) {
      complete = false;
      break;
    }
    const { counts, last } = await purgeBatch(options.olderThan, cursor, batchSize, storage);
    if (!last) break;
    cursor = last;
    totals = addCounts(totals, counts);
    options.onProgress?.({ totals, batch: counts, due });
  }
  options.signal?.throwIfAborted();
  const partials = await storage.deleteStalePartials(new Date(Date.now() - PARTIAL_MAX_AGE_MS));
  return { ...totals, partials, complete };
}
