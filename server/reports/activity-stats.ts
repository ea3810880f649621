import { getPrisma } from '@/server/infra/clients';

export interface ActivityRow {
  type: string;
  status: string;
  count: number;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  maxDurationMs: number | null;
}

interface RawActivityRow {
  type: string;
  status: string;
  count: number;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

const DAY_MS = 86_400_000;

/** Tasks created on one UTC day, grouped by type and status, with run durations. */
export async function readActivityForDay(day: Date): Promise<ActivityRow[]> {
  const start = new Date(Math.floor(day.getTime() / DAY_MS) * DAY_MS);
  const end = new Date(start.getTime() + DAY_MS);
  const rows = await getPrisma().$queryRaw<RawActivityRow[]>`
    WITH scoped AS (
      SELECT type, status::text AS status,
             EXTRACT(EPOCH FROM (finished_at - started_at)) * 1000 AS duration_ms
      FROM tasks
      WHERE created_at >= ${start} AND created_at < ${end}
    )
    SELECT type, status, COUNT(*)::int AS count,
           AVG(duration_ms)::float8 AS avg_ms,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p50_ms,
           PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p95_ms,
           MAX(duration_ms)::float8 AS max_ms
    FROM scoped
    GROUP BY type, status
    ORDER BY type, status`;
  return rows.map((row) => ({
    type: row.type,
    status: row.status,
    count: row.count,
    avgDurationMs: row.avg_ms,
    p50DurationMs: row.p50_ms,
    p95DurationMs: row.p95_ms,
    maxDurationMs: row.max_ms,
  }));
}

export function listUtcDays(from: string, to: string): Date[] {
  const days: Date[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t));
  }
  return days;
}
