import { formatDuration } from '@/lib/tasks/eta';

// The one way Taskdeck writes a moment: "3 Dec 2026, 14:05:09" in the reader's zone, the zone
// spelled out where the text alone would be ambiguous (hover, server-rendered text), and "3 min
// ago" in lists, where how long ago matters more than the clock.

const LOCALE = 'en-GB';

export const DATE_TIME: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

const TIME_OF_DAY: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

// Intl formatters are costly to build and a list formats hundreds of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  key: string,
): Intl.DateTimeFormat {
  const cacheKey = `${key}|${timeZone}`;
  let formatter = formatters.get(cacheKey);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone });
    formatters.set(cacheKey, formatter);
  }
  return formatter;
}

export interface TimeStyle {
  /** Only the time of day: timelines and logs, where the date is the task's. */
  timeOnly?: boolean;
  /** Name the zone ("UTC", "GMT+1"). */
  withZone?: boolean;
}

/** "3 Dec 2026, 14:05:09" (or "14:05:09") in `timeZone`, with the zone's name when asked. */
export function formatLocalTime(
  iso: string | Date,
  timeZone: string,
  { timeOnly = false, withZone = false }: TimeStyle = {},
): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '—';
  const base = timeOnly ? TIME_OF_DAY : DATE_TIME;
  const options = withZone ? { ...base, timeZoneName: 'short' as const } : base;
  return formatterFor(timeZone, options, `${timeOnly ? 't' : 'd'}${withZone ? 'z' : ''}`).format(
    date,
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "40 s ago", "3 min ago", "5 h ago", "2 days ago"; the future as "in 3 min". */
export function formatRelativeTime(iso: string | Date, now: number): string {
  const at = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  if (Number.isNaN(at)) return '—';
  const delta = now - at;
  const ahead = delta < 0;
  const distance = Math.abs(delta);
  if (distance < 10_000) return 'just now';
  let amount: string;
  if (distance < MINUTE) amount = `${Math.floor(distance / 1000)} s`;
  else if (distance < HOUR) amount = `${Math.floor(distance / MINUTE)} min`;
  else if (distance < DAY) amount = `${Math.floor(distance / HOUR)} h`;
  else {
    const days = Math.floor(distance / DAY);
    amount = days === 1 ? '1 day' : `${days} days`;
  }
  return ahead ? `in ${amount}` : `${amount} ago`;
}

/**
 * How long a task ran, from its start to its end, or to `now` (epoch ms) while it still runs:
 * the one run-time format of task rows, the task page, schedule runs and the admin tables.
 * Null if it never started, or it has not finished and no `now` is given.
 */
export function formatRunDuration(
  startedAt: string | null,
  finishedAt: string | null,
  now: number | null = null,
): string | null {
  if (!startedAt) return null;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  if (end === null) return null;
  const ms = end - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1_000) return `${Math.max(1, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}
