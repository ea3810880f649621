import { z } from 'zod';

// Dates the edges accept: years 1 to 9999, what PostgreSQL's timestamps, JavaScript's Date and
// ISO 8601 all agree on. Year 0 or 10000 (easy to reach with an offset) is refused up front
// rather than failing in a query.

export const CALENDAR_MESSAGE = 'Use a date between the years 1 and 9999';

export function isWithinCalendar(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isFinite(date.getTime()) && year >= 1 && year <= 9999;
}

/** An ISO 8601 date (`2026-01-31`) within the calendar. */
export function calendarDateSchema(message = 'Use a date like 2026-01-31') {
  // abort: a malformed date gets its one message, not the calendar's too.
  return z.iso
    .date({ message, abort: true })
    .refine((value) => isWithinCalendar(new Date(`${value}T00:00:00Z`)), CALENDAR_MESSAGE);
}
