import type { FinishedCounts, ThroughputWindow } from './admin-overview';

// Pure arithmetic of the throughput windows, shared by the stats service and the charts.

export const MINUTE_MS = 60_000;

export interface WindowPlan {
  startMs: number;
  /** Exclusive: the end of the bucket now falls in. */
  endMs: number;
}

/**
 * `buckets` buckets aligned to multiples of bucketMs (UTC), the last one containing now. Aligned
 * rather than sliding, so a task stays in its bar from one refresh to the next.
 */
export function planWindow(nowMs: number, bucketMs: number, buckets: number): WindowPlan {
  const currentStart = Math.floor(nowMs / bucketMs) * bucketMs;
  return { startMs: currentStart - (buckets - 1) * bucketMs, endMs: currentStart + bucketMs };
}

export function sumCounts(buckets: readonly FinishedCounts[]): FinishedCounts {
  const totals: FinishedCounts = { succeeded: 0, failed: 0, cancelled: 0 };
  for (const bucket of buckets) {
    totals.succeeded += bucket.succeeded;
    totals.failed += bucket.failed;
    totals.cancelled += bucket.cancelled;
  }
  return totals;
}

/** failed / (succeeded + failed): cancelled tasks neither worked nor broke. */
export function computeFailureRate(counts: FinishedCounts): number | null {
  const decided = counts.succeeded + counts.failed;
  return decided === 0 ? null : counts.failed / decided;
}

export function buildWindow(
  plan: WindowPlan,
  bucketMs: number,
  buckets: FinishedCounts[],
): ThroughputWindow {
  const totals = sumCounts(buckets);
  return {
    start: new Date(plan.startMs).toISOString(),
    bucketMs,
    buckets,
    totals,
    failureRate: computeFailureRate(totals),
  };
}

/**
 * The day window with every bucket that lies within the hour window recounted from the hour's
 * buckets: the day's older buckets may come from a cache, its recent ones stay as fresh as the
 * hour's. Both are aligned to whole minutes, so each recent day bucket is an exact sum.
 */
export function refreshRecentBuckets(
  day: ThroughputWindow,
  hour: ThroughputWindow,
): ThroughputWindow {
  const dayStart = Date.parse(day.start);
  const hourStart = Date.parse(hour.start);
  const buckets = day.buckets.map((bucket, index) => {
    const from = dayStart + index * day.bucketMs;
    if (from < hourStart) return bucket;
    const first = (from - hourStart) / hour.bucketMs;
    const last = first + day.bucketMs / hour.bucketMs;
    return sumCounts(hour.buckets.slice(first, last));
  });
  return buildWindow(
    { startMs: dayStart, endMs: dayStart + buckets.length * day.bucketMs },
    day.bucketMs,
    buckets,
  );
}

export function countFinished(counts: FinishedCounts): number {
  return counts.succeeded + counts.failed + counts.cancelled;
}

/** A bucket's count as tasks per minute (the day chart's 15-minute bars). */
export function perMinute(count: number, bucketMs: number): number {
  return count / (bucketMs / MINUTE_MS);
}

/** `6.7 %`, `0 %`, `—` when there is nothing to divide. */
export function formatPercent(rate: number | null): string {
  if (rate === null) return '—';
  const percent = rate * 100;
  const digits = percent === 0 || percent === 100 ? 0 : 1;
  return `${percent.toFixed(digits)} %`;
}

/** "42 finished in the last hour, 3 failed (6.7 %)". */
export function summarizeThroughput(window: ThroughputWindow, period: string): string {
  const finished = countFinished(window.totals);
  if (finished === 0) return `Nothing finished in the ${period}.`;
  const parts = [`${finished} finished in the ${period}`];
  parts.push(
    window.totals.failed === 0
      ? 'none failed'
      : `${window.totals.failed} failed (${formatPercent(window.failureRate)})`,
  );
  if (window.totals.cancelled > 0) parts.push(`${window.totals.cancelled} cancelled`);
  return `${parts.join(', ')}.`;
}

/** A round axis top at or above value: 1, 2, 5, 10, 20, 50… (at least 1). */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

/** The start of bucket `index` of a window, ISO. */
export function bucketStartOf(window: ThroughputWindow, index: number): string {
  return new Date(Date.parse(window.start) + index * window.bucketMs).toISOString();
}
