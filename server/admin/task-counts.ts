import type { QueueTaskCounts } from '@/lib/admin/admin-overview';
import { planWindow } from '@/lib/admin/throughput';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { HOUR_WINDOW } from './overview-stats';

// The admin pages' task counts, from the tasks table: the same rows the All tasks list shows
// for the filter each count links to (lib/admin/count-filters.ts). BullMQ's own job counts
// are something else (jobs, trimmed after a while, a retried task's old job still "failed"),
// so they are shown apart and never under these words.

export interface QueueTaskCountsSnapshot {
  /** The start of the window `succeeded` counts over: the overview's hour window. */
  since: string;
  byQueue: Record<string, QueueTaskCounts>;
}

interface RawCounts extends QueueTaskCounts {
  queue: string;
}

export function emptyQueueTaskCounts(): QueueTaskCounts {
  return { queued: 0, running: 0, scheduled: 0, failed: 0, succeeded: 0 };
}

/**
 * Every queue's tasks by status. Unfinished and failed rows are few next to succeeded ones, so
 * the first half reads them through tasks_status_created_idx; succeeded ones only within the
 * hour, by tasks_finished_idx, as the throughput chart does.
 */
export async function countQueueTasks(
  principal: Principal,
  now: Date = new Date(),
): Promise<QueueTaskCountsSnapshot> {
  requireAdmin(principal);
  const { startMs } = planWindow(now.getTime(), HOUR_WINDOW.bucketMs, HOUR_WINDOW.buckets);
  const since = new Date(startMs);
  const rows = await getPrisma().$queryRaw<RawCounts[]>`
    SELECT queue,
           COUNT(*) FILTER (WHERE status = 'queued')::int AS queued,
           COUNT(*) FILTER (WHERE status IN ('running', 'cancelling'))::int AS running,
           COUNT(*) FILTER (WHERE status IN ('delayed', 'retrying'))::int AS scheduled,
           COUNT(*) FILTER (WHERE status = 'failed')::int AS failed,
           0 AS succeeded
    FROM tasks
    WHERE status IN ('queued', 'running', 'cancelling', 'delayed', 'retrying', 'failed')
    GROUP BY queue
    UNION ALL
    SELECT queue, 0, 0, 0, 0, COUNT(*)::int
    FROM tasks
    WHERE finished_at >= ${since}::timestamptz AND status = 'succeeded'
    GROUP BY queue`;
  const byQueue: Record<string, QueueTaskCounts> = {};
  for (const config of listQueueConfigs()) byQueue[config.name] = emptyQueueTaskCounts();
  for (const row of rows) {
    const counts = (byQueue[row.queue] ??= emptyQueueTaskCounts());
    counts.queued += row.queued;
    counts.running += row.running;
    counts.scheduled += row.scheduled;
    counts.failed += row.failed;
    counts.succeeded += row.succeeded;
  }
  return { since: since.toISOString(), byQueue };
}

/** The dead letters: every task that failed after its last attempt, follow-ups included. */
export async function countDeadLetters(principal: Principal): Promise<number> {
  requireAdmin(principal);
  const [row] = await getPrisma().$queryRaw<Array<{ count: number }>>`
    SELECT COUNT(*)::int AS count FROM tasks WHERE status = 'failed'`;
  return row?.count ?? 0;
}
