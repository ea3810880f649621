import type { DurationStat, FinishedCounts, ThroughputWindow } from '@/lib/admin/admin-overview';
import { buildWindow, planWindow, type WindowPlan } from '@/lib/admin/throughput';
import { getPrisma } from '@/server/infra/clients';

// The admin overview's figures from the tasks table. Both read by finished_at, one range scan
// of tasks_finished_idx each; `now` is a parameter so tests can look at a window of their own.

export interface WindowSpec {
  bucketMs: number;
  buckets: number;
}

export const HOUR_WINDOW: WindowSpec = { bucketMs: 60_000, buckets: 60 };
export const DAY_WINDOW: WindowSpec = { bucketMs: 15 * 60_000, buckets: 96 };

interface RawBucket {
  succeeded: number;
  failed: number;
  cancelled: number;
}

/**
 * Tasks that ended (succeeded, failed, cancelled) per bucket. generate_series supplies every
 * bucket, so one where nothing ended is a zero, not a gap.
 */
export async function readThroughput(now: Date, spec: WindowSpec): Promise<ThroughputWindow> {
  const plan = planWindow(now.getTime(), spec.bucketMs, spec.buckets);
  const start = new Date(plan.startMs);
  const end = new Date(plan.endMs);
  const rows = await getPrisma().$queryRaw<RawBucket[]>`
    WITH ended AS (
      SELECT FLOOR(EXTRACT(EPOCH FROM (finished_at - ${start}::timestamptz)) * 1000
                   / ${spec.bucketMs}::int)::int AS bucket,
             status
      FROM tasks
      WHERE finished_at >= ${start}::timestamptz AND finished_at < ${end}::timestamptz
        AND status IN ('succeeded', 'failed', 'cancelled')
    ), counted AS (
      SELECT bucket,
             COUNT(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             COUNT(*) FILTER (WHERE status = 'failed') AS failed,
             COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled
      FROM ended
      GROUP BY bucket
    )
    SELECT COALESCE(counted.succeeded, 0)::int AS succeeded,
           COALESCE(counted.failed, 0)::int AS failed,
           COALESCE(counted.cancelled, 0)::int AS cancelled
    FROM generate_series(0, ${spec.buckets - 1}::int) AS slot
    LEFT JOIN counted ON counted.bucket = slot
    ORDER BY slot`;
  const buckets: FinishedCounts[] = rows.map((row) => ({
    succeeded: row.succeeded,
    failed: row.failed,
    cancelled: row.cancelled,
  }));
  return buildWindow(plan, spec.bucketMs, buckets);
}

/**
 * Tasks of the given types that succeeded or failed in [from, to), per type: what the alert
 * rules' failure rates are computed from, by the same definition as the throughput window's
 * (failed / (succeeded + failed)), in the same range scan of tasks_finished_idx.
 */
export async function readFinishedByType(
  from: Date,
  to: Date,
  types: readonly string[],
): Promise<Map<string, FinishedCounts>> {
  if (types.length === 0) return new Map();
  const rows = await getPrisma().$queryRaw<Array<RawBucket & { type: string }>>`
    SELECT type,
           COUNT(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           COUNT(*) FILTER (WHERE status = 'failed')::int AS failed,
           0 AS cancelled
    FROM tasks
    WHERE finished_at >= ${from}::timestamptz AND finished_at < ${to}::timestamptz
      AND status IN ('succeeded', 'failed') AND type = ANY(${[...types]}::text[])
    GROUP BY type`;
  return new Map(
    rows.map((row) => [
      row.type,
      { succeeded: row.succeeded, failed: row.failed, cancelled: row.cancelled },
    ]),
  );
}

interface RawDuration {
  type: string;
  count: number;
  p50_ms: number;
  p95_ms: number;
}

/**
 * Run time (finished_at - started_at, the last attempt's) of the tasks that succeeded in the
 * window, per type. Interpolated percentiles, as the durations report computes them.
 */
export async function readDurationStats(plan: WindowPlan): Promise<DurationStat[]> {
  const rows = await getPrisma().$queryRaw<RawDuration[]>`
    WITH runs AS (
      SELECT type, EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000 AS duration_ms
      FROM tasks
      WHERE finished_at >= ${new Date(plan.startMs)}::timestamptz
        AND finished_at < ${new Date(plan.endMs)}::timestamptz
        AND status = 'succeeded' AND started_at IS NOT NULL
    )
    SELECT type, COUNT(*)::int AS count,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p50_ms,
           PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p95_ms
    FROM runs
    GROUP BY type
    ORDER BY type`;
  return rows.map((row) => ({
    type: row.type,
    count: row.count,
    p50Ms: row.p50_ms,
    p95Ms: row.p95_ms,
  }));
}

export interface DayStats {
  throughput: ThroughputWindow;
  durations: DurationStat[];
}

/** The day's throughput and the run times over the same window. */
export async function readDayStats(now: Date): Promise<DayStats> {
  const plan = planWindow(now.getTime(), DAY_WINDOW.bucketMs, DAY_WINDOW.buckets);
  const [throughput, durations] = await Promise.all([
    readThroughput(now, DAY_WINDOW),
    readDurationStats(plan),
  ]);
  return { throughput, durations };
}
