import { describe, expect, it } from 'vitest';
import type { FinishedCounts } from '@/lib/admin/admin-overview';
import {
  describeQueueConcurrency,
  formatAgo,
  formatRate,
  formatRunTime,
} from '@/lib/admin/overview-format';
import {
  bucketStartOf,
  buildWindow,
  computeFailureRate,
  formatPercent,
  niceCeiling,
  perMinute,
  planWindow,
  refreshRecentBuckets,
  summarizeThroughput,
  sumCounts,
} from '@/lib/admin/throughput';

const MINUTE = 60_000;

function counts(succeeded: number, failed: number, cancelled = 0): FinishedCounts {
  return { succeeded, failed, cancelled };
}

describe('planWindow', () => {
  it('aligns buckets to their size, the last one holding now', () => {
    const now = Date.parse('2035-06-15T12:34:56.789Z');
    const hour = planWindow(now, MINUTE, 60);
    expect(new Date(hour.startMs).toISOString()).toBe('2035-06-15T11:35:00.000Z');
    expect(new Date(hour.endMs).toISOString()).toBe('2035-06-15T12:35:00.000Z');
    const day = planWindow(now, 15 * MINUTE, 96);
    expect(new Date(day.startMs).toISOString()).toBe('2035-06-14T12:45:00.000Z');
    expect(new Date(day.endMs).toISOString()).toBe('2035-06-15T12:45:00.000Z');
  });

  it('starts a new bucket exactly on the boundary', () => {
    const now = Date.parse('2035-06-15T12:00:00.000Z');
    const plan = planWindow(now, MINUTE, 60);
    expect(plan.endMs - now).toBe(MINUTE);
    expect(plan.endMs - plan.startMs).toBe(60 * MINUTE);
  });
});

describe('totals and failure rate', () => {
  it('sums every bucket and divides failed by succeeded plus failed, cancelled left out', () => {
    const buckets = [counts(2, 1, 4), counts(0, 0), counts(5, 0, 1)];
    expect(sumCounts(buckets)).toEqual(counts(7, 1, 5));
    expect(computeFailureRate(sumCounts(buckets))).toBe(1 / 8);
  });

  it('has no rate when nothing succeeded or failed', () => {
    expect(computeFailureRate(counts(0, 0, 3))).toBeNull();
    expect(computeFailureRate(counts(0, 2))).toBe(1);
  });

  it('builds a window with its totals, rate and bucket starts', () => {
    const plan = planWindow(Date.parse('2035-06-15T12:34:56Z'), MINUTE, 3);
    const window = buildWindow(plan, MINUTE, [counts(1, 0), counts(0, 0), counts(2, 1)]);
    expect(window).toMatchObject({
      start: '2035-06-15T12:32:00.000Z',
      bucketMs: MINUTE,
      totals: counts(3, 1),
      failureRate: 0.25,
    });
    expect(bucketStartOf(window, 2)).toBe('2035-06-15T12:34:00.000Z');
  });
});

describe('refreshRecentBuckets', () => {
  it('recounts the day buckets within the hour from the hour, keeping the older ones', () => {
    const now = Date.parse('2035-06-15T12:34:56Z');
    const hourPlan = planWindow(now, MINUTE, 60);
    const dayPlan = planWindow(now, 15 * MINUTE, 96);
    // The hour runs 11:35 to 12:35: minute 0 is 11:35, minute 10 is 11:45, minute 59 is 12:34.
    const hourBuckets = Array.from({ length: 60 }, () => counts(0, 0));
    hourBuckets[0] = counts(1, 0);
    hourBuckets[10] = counts(2, 1);
    hourBuckets[25] = counts(0, 0, 4);
    hourBuckets[59] = counts(3, 0);
    const hour = buildWindow(hourPlan, MINUTE, hourBuckets);
    // A stale cached day: the 11:30 bucket predates the hour and is kept as it is.
    const stale = Array.from({ length: 96 }, () => counts(0, 0));
    stale[0] = counts(7, 7);
    stale[91] = counts(5, 0);
    stale[95] = counts(9, 9, 9);
    const day = refreshRecentBuckets(buildWindow(dayPlan, 15 * MINUTE, stale), hour);
    expect(day.start).toBe('2035-06-14T12:45:00.000Z');
    expect(day.buckets[0]).toEqual(counts(7, 7));
    expect(day.buckets[91]).toEqual(counts(5, 0));
    expect(day.buckets[92]).toEqual(counts(2, 1)); // 11:45
    expect(day.buckets[93]).toEqual(counts(0, 0, 4)); // 12:00
    expect(day.buckets[94]).toEqual(counts(0, 0)); // 12:15
    expect(day.buckets[95]).toEqual(counts(3, 0)); // 12:30, replacing the stale count
    expect(day.totals).toEqual(counts(17, 8, 4));
    expect(day.failureRate).toBe(8 / 25);
  });
});

describe('texts', () => {
  it('formats percentages with one decimal except the round ends', () => {
    expect(formatPercent(3 / 45)).toBe('6.7 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(null)).toBe('—');
  });

  it('summarizes a window in one sentence', () => {
    const plan = planWindow(Date.parse('2035-06-15T12:00:00Z'), MINUTE, 2);
    const some = buildWindow(plan, MINUTE, [counts(30, 2), counts(9, 1, 2)]);
    expect(summarizeThroughput(some, 'last hour')).toBe(
      '44 finished in the last hour, 3 failed (7.1 %), 2 cancelled.',
    );
    const clean = buildWindow(plan, MINUTE, [counts(4, 0), counts(0, 0)]);
    expect(summarizeThroughput(clean, 'last hour')).toBe(
      '4 finished in the last hour, none failed.',
    );
    const empty = buildWindow(plan, MINUTE, [counts(0, 0), counts(0, 0)]);
    expect(summarizeThroughput(empty, 'last hour')).toBe('Nothing finished in the last hour.');
  });

  it('turns a 15-minute count into a per-minute rate', () => {
    expect(perMinute(30, 15 * MINUTE)).toBe(2);
    expect(perMinute(3, MINUTE)).toBe(3);
    expect(formatRate(perMinute(4, 15 * MINUTE))).toBe('0.27');
    expect(formatRate(2.54)).toBe('2.5');
    expect(formatRate(12.6)).toBe('13');
    expect(formatRate(0)).toBe('0');
  });

  it('picks round axis tops', () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 10, 11, 42, 180, 501].map(niceCeiling)).toEqual([
      1, 1, 1, 2, 5, 10, 10, 20, 50, 200, 1000,
    ]);
  });

  it('writes run times from milliseconds to hours', () => {
    expect(formatRunTime(12.4)).toBe('12 ms');
    expect(formatRunTime(999)).toBe('999 ms');
    expect(formatRunTime(2_450)).toBe('2.5 s');
    expect(formatRunTime(65_000)).toBe('1 min 5 s');
    expect(formatRunTime(3_900_000)).toBe('1 h 5 min');
  });

  it('writes how long ago, and a queue with its concurrency', () => {
    expect(formatAgo(400)).toBe('just now');
    expect(formatAgo(3_200)).toBe('3 s ago');
    expect(formatAgo(125_000)).toBe('2 min 5 s ago');
    expect(describeQueueConcurrency('diagnostics', 16)).toBe('diagnostics ×16');
    expect(describeQueueConcurrency('files', undefined)).toBe('files');
  });
});
