import { z } from 'zod';

// Dates the edges accept: years 1 to 9999, what PostgreSQL's timestamps, JavaScript's Date and
// ISO 8601 all agree on. Year 0 or 10000 (easy to reach with an offset) is refused up front
// rather than failing in a query.

export const CALENDAR_MESSAGE = 'Use a date between the years 1 and 9999';

/**
 * For a refinement after a format check: a value that does not parse is the format check's
 * to report, not a second issue here.
 */
export function isUnparsedOrWithinCalendar(date: Date): boolean {
  return Number.isNaN(date.getTime()) || isWithinCalendar(date);
}

export function isWithinCalendar(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isFinite(date.getTime()) && year >= 1 && year <= 9999;
}

/** An ISO 8601 date (`2026-01-31`) within the calendar. */
export function calendarDateSchema(message = 'Use a date like 2026-01-31') {
  return z.iso
    .date({ message })
    .refine(
      (value) => isUnparsedOrWithinCalendar(new Date(`${value}T00:00:00Z`)),
      CALENDAR_MESSAGE,
    );
}
