import { z } from 'zod';
import { REPORT_FORMATS, REPORT_KINDS } from '@/lib/tasks/task-inputs';
import { listUtcDays } from '@/server/reports/activity-stats';
import { defineTaskType } from '../task-type';
import { calendarDateSchema } from '@/lib/validation/calendar';

const MAX_RANGE_DAYS = 366;
const isoDate = calendarDateSchema();

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** Callers from before kinds and formats existed send `{ from, to }`: they get the activity CSV. */
export const reportPayloadSchema = z
  .object({
    kind: z.enum(REPORT_KINDS, { message: 'Choose activity, failures or durations' }).optional(),
    format: z.enum(REPORT_FORMATS, { message: 'Choose csv or pdf' }).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /**
     * Without `from`: the range is this many days ending at `to` (today by default). A schedule
     * uses it to report on "the last 7 days" of each run.
     */
    days: z.number().int().min(1).max(MAX_RANGE_DAYS).optional(),
  })
  .strict()
  .refine((input) => input.from === undefined || input.days === undefined, {
    message: 'Give from or days, not both',
    path: ['days'],
  })
  .transform(({ kind, format, from, to, days }) => {
    const end = to ?? todayUtc();
    return {
      kind: kind ?? 'activity',
      format: format ?? 'csv',
      from: from ?? daysBefore(end, (days ?? 30) - 1),
      to: end,
    };
  })
  .refine(({ from, to }) => from <= to, { message: 'from must be on or before to', path: ['from'] })
  .refine(({ from, to }) => listUtcDays(from, to).length <= MAX_RANGE_DAYS, {
    message: `The range may span at most ${MAX_RANGE_DAYS} days`,
    path: ['from'],
  });

export type ReportPayload = z.output<typeof reportPayloadSchema>;

const KIND_LABELS: Record<string, string> = {
  activity: 'Activity',
  failures: 'Failures',
  durations: 'Durations',
};

/** "Activity · CSV · 2026-01-01 → 2026-01-30"; the defaults read for rows stored before kinds. */
function summarizeReport(payload: Partial<ReportPayload>): string | null {
  if (!('from' in payload) || !('to' in payload)) return null;
  const kind = String(payload.kind ?? 'activity');
  const format = String(payload.format ?? 'csv').toUpperCase();
  return `${KIND_LABELS[kind] ?? kind} · ${format} · ${String(payload.from)} → ${String(payload.to)}`;
}

export const reportGenerate = defineTaskType({
  name: 'report.generate',
  title: 'Task report',
  label: 'Report',
  description:
    'Task activity per day, failures with their reasons, or run duration percentiles per type, as CSV or PDF.',
  schema: reportPayloadSchema,
  summarize: summarizeReport,
  defaults: {
    queue: 'reports',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2_000 },
    // No soft limit: a report cut short would look complete, so it runs to the end or fails.
    timeoutMs: 10 * 60_000,
  },
  processor: () => import('./report-generate-processor'),
});
