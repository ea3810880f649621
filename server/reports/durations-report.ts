import { readDurationPercentiles } from './duration-stats';
import {
  countOf,
  roundMs,
  toRangeBounds,
  type ReportBody,
  type ReportRange,
} from './report-content';
import type { SectionRunner } from './report-sections';

// Run duration percentiles per task type, over the tasks that succeeded.

/** More types than this crowd the chart; the table lists them all. */
const CHART_BARS = 12;

export interface DurationsSummary {
  types: number;
  tasks: number;
}

export const DURATIONS_SECTIONS = 1;

export async function collectDurationsReport(
  range: ReportRange,
  sections: SectionRunner,
): Promise<{ body: ReportBody; summary: DurationsSummary }> {
  const { start, end } = toRangeBounds(range);
  const perType = await sections.run(
    'percentiles per task type',
    () => readDurationPercentiles(start, end),
    (found) => `percentiles of ${countOf(found.length, 'task type')}`,
  );
  const summary: DurationsSummary = {
    types: perType.length,
    tasks: perType.reduce((sum, row) => sum + row.count, 0),
  };
  // Ordered by count: the chart shows the busiest types.
  const shown = perType.slice(0, CHART_BARS);
  const body: ReportBody = {
    title: 'Run durations per task type',
    summary: `${countOf(summary.tasks, 'succeeded task')} of ${countOf(summary.types, 'type')}; durations from start to finish of the last attempt`,
    chart: {
      title:
        perType.length > shown.length
          ? `p50 and p95 run duration (busiest ${shown.length} of ${perType.length} types)`
          : 'p50 and p95 run duration',
      orientation: 'horizontal',
      stacked: false,
      unit: 'ms',
      series: [
        { name: 'p50', color: '#2563eb' },
        { name: 'p95', color: '#93c5fd' },
      ],
      bars: shown.map((row) => ({ label: row.type, values: [row.p50Ms, row.p95Ms] })),
      emptyText: 'No succeeded tasks in this range',
    },
    tables: [
      {
        id: 'durations',
        title: 'Run duration percentiles (ms)',
        columns: [
          { key: 'type', label: 'Type', format: 'text', weight: 2.4 },
          { key: 'count', label: 'Count', format: 'integer', weight: 0.9 },
          { key: 'p50_ms', label: 'p50', format: 'ms', weight: 1 },
          { key: 'p90_ms', label: 'p90', format: 'ms', weight: 1 },
          { key: 'p95_ms', label: 'p95', format: 'ms', weight: 1 },
          { key: 'p99_ms', label: 'p99', format: 'ms', weight: 1 },
          { key: 'max_ms', label: 'Max', format: 'ms', weight: 1 },
        ],
        rows: perType.map((row) => [
          row.type,
          row.count,
          roundMs(row.p50Ms),
          roundMs(row.p90Ms),
          roundMs(row.p95Ms),
          roundMs(row.p99Ms),
          roundMs(row.maxMs),
        ]),
        emptyText: 'No succeeded tasks in this range',
      },
    ],
  };
  return { body, summary };
}
