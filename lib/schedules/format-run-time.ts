import { DATE_TIME } from '@/lib/time/format-time';

/** "Mon, 23 Nov 2026, 03:00:00", read in the schedule's own time zone. */
export function formatRunTime(iso: string | Date, timeZone: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat('en-GB', { ...DATE_TIME, timeZone, weekday: 'short' }).format(
    date,
  );
}

/** "in 3 h 20 min", "in 5 s", "now". */
export function formatTimeUntil(iso: string, now: number): string {
  const ms = new Date(iso).getTime() - now;
  if (ms <= 500) return 'now';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h ${minutes % 60} min`;
  return `in ${Math.round(hours / 24)} days`;
}
