import type { AdminOverview, OverviewQueue } from '@/lib/admin/admin-overview';
import { planWindow, refreshRecentBuckets } from '@/lib/admin/throughput';
import { getEnv } from '@/lib/env';
import { listFiringAlerts } from '@/server/alerts/alert-rule-service';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { listQueues } from '@/server/queues/queue-service';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { countQueueTasks, emptyQueueTaskCounts } from './task-counts';
import {
  DAY_WINDOW,
  HOUR_WINDOW,
  readDayStats,
  readThroughput,
  type DayStats,
} from './overview-stats';

// Everything the admin overview shows, in one snapshot. Queues, workers and the last hour are
// read fresh every time. The day's figures cost a day of rows, so each process reuses them for
// DAY_STATS_TTL_MS; its buckets within the last hour are recounted from the fresh hour, so the
// two charts and their totals agree, and only the run times lag.

const DAY_STATS_TTL_MS = 30_000;

let dayCache: { readAt: number; startMs: number; stats: Promise<DayStats> } | null = null;

function readDayStatsCached(now: Date): Promise<DayStats> {
  const { startMs } = planWindow(now.getTime(), DAY_WINDOW.bucketMs, DAY_WINDOW.buckets);
  if (
    dayCache &&
    dayCache.startMs === startMs &&
    now.getTime() - dayCache.readAt < DAY_STATS_TTL_MS
  ) {
    return dayCache.stats;
  }
  // The promise is shared, so admins arriving together start one read, not one each.
  const stats = readDayStats(now);
  const entry = { readAt: now.getTime(), startMs, stats };
  dayCache = entry;
  stats.catch(() => {
    // A failed read is not kept: the next snapshot tries again.
    if (dayCache === entry) dayCache = null;
  });
  return stats;
}

/** For tests that change the tasks table and must see the day's figures at once. */
export function forgetCachedDayStats(): void {
  dayCache = null;
}

export async function getAdminOverview(principal: Principal): Promise<AdminOverview> {
  requireAdmin(principal);
  const env = getEnv();
  const now = new Date();
  const [queues, queueTasks, workers, hour, day, alerts] = await Promise.all([
    listQueues(principal),
    countQueueTasks(principal, now),
    listLiveWorkers(env.WORKER_HEARTBEAT_MS),
    readThroughput(now, HOUR_WINDOW),
    readDayStatsCached(now),
    listFiringAlerts(principal),
  ]);
  return {
    generatedAt: now.toISOString(),
    refreshMs: env.ADMIN_OVERVIEW_INTERVAL_MS,
    queues: queues.map((queue): OverviewQueue => ({
      name: queue.name,
      description: queue.description,
      paused: queue.paused,
      concurrency: queue.concurrency,
      globalConcurrency: queue.globalConcurrency,
      counts: queue.counts,
      tasks: queueTasks.byQueue[queue.name] ?? emptyQueueTaskCounts(),
    })),
    tasksSince: queueTasks.since,
    throughput: { hour, day: refreshRecentBuckets(day.throughput, hour) },
    durations: day.durations,
    workers: workers
      .map((worker) => ({
        ...worker,
        currentJobs: [...worker.currentJobs].sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
      }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.pid - b.pid),
    alerts,
  };
}
