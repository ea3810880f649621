import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import type { RepeatSpec } from './schedule-spec';

// Cron patterns are read by cron-parser, the library BullMQ's job schedulers use, so the times
// shown here are the times BullMQ will pick.

/** Why the pattern cannot be used, or null when it can. 5 fields, or 6 with seconds first. */
export function checkCronPattern(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `A cron pattern has 5 fields (minute hour day month weekday) or 6 with seconds first; this one has ${fields.length}.`;
  }
  try {
    CronExpressionParser.parse(pattern, { strict: false }).next();
    return null;
  } catch (error) {
    return `Not a valid cron pattern: ${error instanceof Error ? error.message : String(error)}.`;
  }
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const UNITS: Array<[number, string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** "Every 3 seconds", "Every 1 hour 30 minutes". */
export function describeInterval(everyMs: number): string {
  const parts: string[] = [];
  let rest = everyMs;
  for (const [size, unit] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
    rest -= count * size;
  }
  if (rest > 0) parts.push(`${rest} ms`);
  return `Every ${parts.join(' ')}`;
}

/** A sentence for people: "At 03:00 (UTC)", "Every 3 seconds". */
export function describeRepeat(repeat: RepeatSpec): string {
  if (repeat.kind === 'interval') return describeInterval(repeat.everyMs);
  try {
    const text = cronstrue.toString(repeat.cron, { use24HourTimeFormat: true, verbose: false });
    return `${text} (${repeat.timezone})`;
  } catch {
    return repeat.cron;
  }
}

/**
 * The next `count` run times after `after`. An interval's runs follow `anchor` (the next run
 * BullMQ has planned) when known; a new interval schedule first runs when it is saved.
 */
export function listNextRuns(
  repeat: RepeatSpec,
  after: Date,
  count = 5,
  anchor?: number | null,
): Date[] {
  if (repeat.kind === 'interval') {
    const first = anchor && anchor >= after.getTime() - repeat.everyMs ? anchor : after.getTime();
    return Array.from({ length: count }, (_, index) => new Date(first + index * repeat.everyMs));
  }
  try {
    const interval = CronExpressionParser.parse(repeat.cron, {
      currentDate: after,
      tz: repeat.timezone,
    });
    return interval.take(count).map((date) => date.toDate());
  } catch {
    return [];
  }
}

/** The last time the schedule was due at or before `at`, or null when it never was. */
export function findPreviousRun(repeat: RepeatSpec, at: Date): Date | null {
  if (repeat.kind === 'interval') return null;
  try {
    const interval = CronExpressionParser.parse(repeat.cron, {
      currentDate: new Date(at.getTime() + 1),
      tz: repeat.timezone,
    });
    return interval.prev().toDate();
  } catch {
    return null;
  }
}
