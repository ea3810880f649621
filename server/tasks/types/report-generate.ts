import { z } from 'zod';
import { formatCsvLine } from '@/lib/csv';
import { listUtcDays, readActivityForDay } from '@/server/reports/activity-stats';
import { defineTaskType } from '../task-type';

const MAX_RANGE_DAYS = 366;
const isoDate = z.iso.date({ message: 'Use a date like 2026-01-31' });

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export const reportPayloadSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .transform(({ from, to }) => {
    const end = to ?? todayUtc();
    return { from: from ?? daysBefore(end, 29), to: end };
  })
  .refine(({ from, to }) => from <= to, { message: 'from must be on or before to', path: ['from'] })
  .refine(({ from, to }) => listUtcDays(from, to).length <= MAX_RANGE_DAYS, {
    message: `The range may span at most ${MAX_RANGE_DAYS} days`,
    path: ['from'],
  });

const CSV_HEADER = [
  'date',
  'type',
  'status',
  'count',
  'avg_duration_ms',
  'p50_duration_ms',
  'p95_duration_ms',
  'max_duration_ms',
];

function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

export const reportGenerate = defineTaskType({
  name: 'report.generate',
  title: 'Activity report',
  description: 'Tasks per day by type and status, with run durations, as a CSV file.',
  schema: reportPayloadSchema,
  defaults: {
    queue: 'reports',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2_000 },
    timeoutMs: 10 * 60_000,
  },
  async process({ taskId, payload, signal, reportProgress, storage }) {
    const days = listUtcDays(payload.from, payload.to);
    const totals = { tasks: 0, rows: 0, byStatus: {} as Record<string, number> };

    // Progress: 0-95 % while reading day by day, the rest for storing the file.
    async function* csvLines(): AsyncGenerator<string> {
      yield formatCsvLine(CSV_HEADER);
      for (const [index, day] of days.entries()) {
        signal.throwIfAborted();
        const date = day.toISOString().slice(0, 10);
        for (const row of await readActivityForDay(day)) {
          totals.tasks += row.count;
          totals.rows += 1;
          totals.byStatus[row.status] = (totals.byStatus[row.status] ?? 0) + row.count;
          yield formatCsvLine([
            date,
            row.type,
            row.status,
            row.count,
            roundMs(row.avgDurationMs),
            roundMs(row.p50DurationMs),
            roundMs(row.p95DurationMs),
            roundMs(row.maxDurationMs),
          ]);
        }
        reportProgress(
          ((index + 1) / days.length) * 95,
          `Read ${date} (day ${index + 1} of ${days.length})`,
        );
      }
    }

    reportProgress(0, `Reading ${days.length} days of task history`);
    const name = `activity-${payload.from}-to-${payload.to}.csv`;
    const stored = await storage.write(`reports/${taskId}/${name}`, csvLines());
    reportProgress(99, `Stored ${totals.rows} rows`);
    return {
      result: { from: payload.from, to: payload.to, days: days.length, ...totals },
      file: { key: stored.key, name, contentType: 'text/csv; charset=utf-8', size: stored.size },
    };
  },
});
