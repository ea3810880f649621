import { z } from 'zod';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat } from '@/lib/tasks/task-inputs';
import { listUtcDays } from '@/server/reports/activity-stats';
import type { ReportContent } from '@/server/reports/report-content';
import { formatReportCsv } from '@/server/reports/report-csv';
import { REPORT_DEFINITIONS } from '@/server/reports/report-definitions';
import { createSectionRunner } from '@/server/reports/report-sections';
import { defineTaskType, taskOutputPrefix } from '../task-type';
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

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/** ASCII only (kind, dates, extension): it is both the storage key's last segment and the name. */
export function reportFileName(payload: ReportPayload): string {
  return `${payload.kind}-${payload.from}-to-${payload.to}.${payload.format}`;
}

export const reportGenerate = defineTaskType({
  name: 'report.generate',
  title: 'Task report',
  description:
    'Task activity per day, failures with their reasons, or run duration percentiles per type, as CSV or PDF.',
  schema: reportPayloadSchema,
  defaults: {
    queue: 'reports',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2_000 },
    // No soft limit: a report cut short would look complete, so it runs to the end or fails.
    timeoutMs: 10 * 60_000,
  },
  async process({ taskId, payload, signal, reportProgress, log, storage }) {
    const definition = REPORT_DEFINITIONS[payload.kind];
    const range = { from: payload.from, to: payload.to };
    const sections = createSectionRunner({
      label: definition.label,
      total: definition.sections + 1,
      signal,
      reportProgress,
      log,
    });
    const { body, summary } = await definition.collect(range, sections);
    const content: ReportContent = { ...body, kind: payload.kind, range, generatedAt: new Date() };

    const name = reportFileName(payload);
    const stored = await sections.run(
      `writing the ${payload.format.toUpperCase()}`,
      async () => {
        // Loaded here, not at the top: the web process imports every task type (to validate
        // payloads) and should not load pdfkit and its font machinery for that.
        const file =
          payload.format === 'pdf'
            ? (await import('@/server/reports/report-pdf')).createReportPdf(content, { signal })
            : formatReportCsv(content.tables);
        return storage.write(`${taskOutputPrefix(taskId)}/${name}`, file);
      },
      (written) => `wrote ${name} (${written.size} bytes)`,
    );
    return {
      result: { kind: payload.kind, format: payload.format, ...range, ...summary },
      files: [
        {
          key: stored.key,
          name,
          contentType: CONTENT_TYPES[payload.format],
          size: stored.size,
          kind: 'report',
          meta: { reportKind: payload.kind, format: payload.format, ...range },
        },
      ],
    };
  },
});
