import { getPrisma } from '@/server/infra/clients';

export interface DurationPercentiles {
  type: string;
  count: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface RawPercentiles {
  type: string;
  count: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

/**
 * Run durations (finished_at - started_at, of the last attempt) of the tasks created in
 * [start, end) that succeeded, per type. Interpolated percentiles (PERCENTILE_CONT), as the
 * activity report uses; Postgres sorts each group once for all four.
 */
export async function readDurationPercentiles(
  start: Date,
  end: Date,
): Promise<DurationPercentiles[]> {
  const rows = await getPrisma().$queryRaw<RawPercentiles[]>`
    WITH runs AS (
      SELECT type, EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000 AS duration_ms
      FROM tasks
      WHERE created_at >= ${start} AND created_at < ${end} AND status = 'succeeded'
        AND started_at IS NOT NULL AND finished_at IS NOT NULL
    )
    SELECT type, COUNT(*)::int AS count,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p50_ms,
           PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p90_ms,
           PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p95_ms,
           PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p99_ms,
           MAX(duration_ms)::float8 AS max_ms
    FROM runs
    GROUP BY type
    ORDER BY count DESC, type`;
  return rows.map((row) => ({
    type: row.type,
    count: row.count,
    p50Ms: row.p50_ms,
    p90Ms: row.p90_ms,
    p95Ms: row.p95_ms,
    p99Ms: row.p99_ms,
    maxMs: row.max_ms,
  }));
}
