import { describe, expect, it } from 'vitest';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { formatLocalTime, formatRelativeTime, formatRunDuration } from '@/lib/time/format-time';
import { uuid7 } from '@/lib/uuid7';

const AT = '2026-12-03T14:05:09.250Z';
const now = Date.parse(AT);

describe('formatLocalTime', () => {
  it('writes the moment in the zone it is given, 24-hour, the zone only when asked', () => {
    expect(formatLocalTime(AT, 'UTC')).toBe('3 Dec 2026, 14:05:09');
    expect(formatLocalTime(AT, 'Europe/Berlin')).toBe('3 Dec 2026, 15:05:09');
    expect(formatLocalTime(AT, 'UTC', { withZone: true })).toBe('3 Dec 2026, 14:05:09 UTC');
    expect(formatLocalTime(AT, 'America/New_York', { timeOnly: true })).toBe('09:05:09');
    expect(formatLocalTime('not a time', 'UTC')).toBe('—');
  });
});

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [9_999, 'just now'],
    [40_000, '40 s ago'],
    [3 * 60_000 + 59_000, '3 min ago'],
    [5 * 3_600_000, '5 h ago'],
    [26 * 3_600_000, '1 day ago'],
    [9 * 86_400_000, '9 days ago'],
    [-4 * 60_000, 'in 4 min'],
  ])('%i ms before now reads %s', (ago, text) => {
    expect(formatRelativeTime(new Date(now - ago), now)).toBe(text);
  });
});

describe('formatRunDuration', () => {
  it('says how long a finished task ran, and nothing for one that never started', () => {
    expect(formatRunDuration('2026-12-03T14:00:00.000Z', '2026-12-03T14:00:00.420Z')).toBe(
      '420 ms',
    );
    expect(formatRunDuration('2026-12-03T14:00:00.000Z', '2026-12-03T14:00:04.260Z')).toBe('4.3 s');
    expect(formatRunDuration('2026-12-03T14:00:00.000Z', '2026-12-03T14:03:20.000Z')).toBe(
      '3 min 20 s',
    );
    expect(formatRunDuration(null, '2026-12-03T14:00:00.000Z')).toBeNull();
    expect(formatRunDuration('2026-12-03T14:00:01.000Z', '2026-12-03T14:00:00.000Z')).toBeNull();
  });

  it('counts a running task up to now, in the same format, and says nothing without a now', () => {
    const started = '2026-12-03T14:00:00.000Z';
    expect(formatRunDuration(started, null, Date.parse('2026-12-03T14:00:04.260Z'))).toBe('4.3 s');
    expect(formatRunDuration(started, null, Date.parse('2026-12-03T14:01:05.000Z'))).toBe(
      '1 min 5 s',
    );
    expect(formatRunDuration(started, null)).toBeNull();
    // Finished: its end, whatever the clock says now.
    expect(
      formatRunDuration(started, '2026-12-03T14:00:04.260Z', Date.parse('2026-12-03T15:00:00Z')),
    ).toBe('4.3 s');
  });
});

describe('shortTaskId', () => {
  it('tells apart ids made in one millisecond, which share their first 8 characters', () => {
    const ids = Array.from({ length: 200 }, () => uuid7(now));
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1);
    const short = ids.map(shortTaskId);
    expect(new Set(short).size).toBe(200);
    for (const [index, id] of ids.entries())
      expect(id.replaceAll('-', '').endsWith(short[index]!)).toBe(true);
    expect(short.every((value) => /^[0-9a-f]{8}$/.test(value))).toBe(true);
  });
});
