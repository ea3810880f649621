import type { RepeatSpec } from './schedule-spec';

// What the schedule form's "when" fields hold while they are edited, and the RepeatSpec they
// make. Intervals are entered as a number and a unit.

export const INTERVAL_UNITS = ['seconds', 'minutes', 'hours', 'days'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

export const UNIT_MS: Record<IntervalUnit, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

export interface RepeatDraft {
  kind: RepeatSpec['kind'];
  cron: string;
  timezone: string;
  everyValue: string;
  everyUnit: IntervalUnit;
}

export function toRepeatDraft(spec: RepeatSpec | undefined): RepeatDraft {
  const draft: RepeatDraft = {
    kind: 'cron',
    cron: '0 3 * * *',
    timezone: 'UTC',
    everyValue: '1',
    everyUnit: 'hours',
  };
  if (!spec) return draft;
  if (spec.kind === 'cron') return { ...draft, cron: spec.cron, timezone: spec.timezone };
  // The largest unit that divides the interval evenly: 90 s shows as 90 seconds, 2 h as 2 hours.
  const unit =
    [...INTERVAL_UNITS].reverse().find((candidate) => spec.everyMs % UNIT_MS[candidate] === 0) ??
    'seconds';
  return {
    ...draft,
    kind: 'interval',
    everyValue: String(spec.everyMs / UNIT_MS[unit]),
    everyUnit: unit,
  };
}

/** The spec to send; null when the interval is not a number (the form says so). */
export function toRepeatSpec(draft: RepeatDraft): RepeatSpec | null {
  if (draft.kind === 'cron') {
    return { kind: 'cron', cron: draft.cron.trim(), timezone: draft.timezone.trim() };
  }
  const value = Number(draft.everyValue.trim());
  if (draft.everyValue.trim() === '' || !Number.isFinite(value)) return null;
  return { kind: 'interval', everyMs: Math.round(value * UNIT_MS[draft.everyUnit]) };
}
