import { listUtcDays, readActivityForDay, type ActivityRow } from './activity-stats';
import {
  countOf,
  roundMs,
  type BarChart,
  type ReportBody,
  type ReportColumn,
  type ReportRange,
} from './report-content';
import type { SectionRunner } from './report-sections';

// Task activity: tasks created per UTC day, by type and status, with run durations.
// One query per day, so progress moves day by day on a long range.

export interface ActivitySummary {
  days: number;
  tasks: number;
  rows: number;
  byStatus: Record<string, number>;
}

/** The CSV header is the one this report has always had; clients parse it. */
const COLUMNS: ReportColumn[] = [
  { key: 'date', label: 'Date', format: 'text', weight: 1.3 },
  { key: 'type', label: 'Type', format: 'text', weight: 2.2 },
  { key: 'status', label: 'Status', format: 'text', weight: 1.3 },
  { key: 'count', label: 'Count', format: 'integer', weight: 0.9 },
  { key: 'avg_duration_ms', label: 'Avg ms', format: 'ms', weight: 1 },
  { key: 'p50_duration_ms', label: 'p50 ms', format: 'ms', weight: 1 },
  { key: 'p95_duration_ms', label: 'p95 ms', format: 'ms', weight: 1 },
  { key: 'max_duration_ms', label: 'Max ms', format: 'ms', weight: 1 },
];

/** The chart stacks these; every other status (queued, running…) counts as "other". */
const CHART_SERIES = [
  { status: 'succeeded', name: 'Succeeded', color: '#16a34a' },
  { status: 'failed', name: 'Failed', color: '#dc2626' },
  { status: 'cancelled', name: 'Cancelled', color: '#f59e0b' },
  { status: null, name: 'Other', color: '#94a3b8' },
] as const;

interface DayRows {
  date: string;
  rows: ActivityRow[];
}

export const ACTIVITY_SECTIONS = 1;

export async function collectActivityReport(
  range: ReportRange,
  sections: SectionRunner,
): Promise<{ body: ReportBody; summary: ActivitySummary }> {
  const days = listUtcDays(range.from, range.to);
  const summary: ActivitySummary = { days: days.length, tasks: 0, rows: 0, byStatus: {} };

  const perDay = await sections.run(
    'reading tasks per day',
    async (step) => {
      const read: DayRows[] = [];
      for (const [index, day] of days.entries()) {
        const rows = await readActivityForDay(day);
        read.push({ date: day.toISOString().slice(0, 10), rows });
        for (const row of rows) {
          summary.tasks += row.count;
          summary.rows += 1;
          summary.byStatus[row.status] = (summary.byStatus[row.status] ?? 0) + row.count;
        }
        step((index + 1) / days.length, `day ${index + 1} of ${days.length}`);
      }
      return read;
    },
    () =>
      `read ${countOf(days.length, 'day')}: ${countOf(summary.tasks, 'task')} in ${countOf(summary.rows, 'row')}`,
  );

  const body: ReportBody = {
    title: 'Task activity',
    summary: `${countOf(summary.tasks, 'task')} over ${countOf(days.length, 'day')} (${describeStatuses(summary)})`,
    chart: toActivityChart(perDay),
    tables: [
      {
        id: 'activity',
        title: 'Tasks per day, type and status',
        columns: COLUMNS,
        rows: perDay.flatMap(({ date, rows }) =>
          rows.map((row) => [
            date,
            row.type,
            row.status,
            row.count,
            roundMs(row.avgDurationMs),
            roundMs(row.p50DurationMs),
            roundMs(row.p95DurationMs),
            roundMs(row.maxDurationMs),
          ]),
        ),
        emptyText: 'No tasks in this range',
      },
    ],
  };
  return { body, summary };
}

function describeStatuses(summary: ActivitySummary): string {
  const parts = Object.entries(summary.byStatus)
    .sort(([, a], [, b]) => b - a)
    .map(([status, count]) => `${count} ${status}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function toActivityChart(perDay: readonly DayRows[]): BarChart {
  return {
    title: 'Tasks created per day',
    orientation: 'vertical',
    stacked: true,
    unit: 'count',
    series: CHART_SERIES.map(({ name, color }) => ({ name, color })),
    bars: perDay.map(({ date, rows }) => ({
      label: date,
      values: CHART_SERIES.map(({ status }) =>
        rows
          .filter((row) =>
            status === null
              ? !CHART_SERIES.some((series) => series.status === row.status)
              : row.status === status,
          )
          .reduce((sum, row) => sum + row.count, 0),
      ),
    })),
    emptyText: 'No tasks in this range',
  };
}
