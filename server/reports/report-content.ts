import type { CsvValue } from '@/lib/csv';
import type { ReportKind } from '@/lib/tasks/task-inputs';

// What a report says, apart from how it is written: the CSV and PDF writers both render this.

/** Inclusive UTC calendar dates, YYYY-MM-DD. */
export interface ReportRange {
  from: string;
  to: string;
}

/**
 * How a cell is shown in the PDF. The CSV always writes the raw value (numbers unformatted,
 * times as ISO 8601), so it stays machine-readable.
 */
export type ColumnFormat = 'text' | 'integer' | 'ms' | 'time';

export interface ReportColumn {
  /** The CSV header, snake_case. */
  key: string;
  /** The PDF header. */
  label: string;
  format: ColumnFormat;
  /** Share of the table width in the PDF, relative to the other columns. */
  weight: number;
}

export interface ReportTable {
  /** Names the table in a multi-table CSV (`# <id>`). */
  id: string;
  title: string;
  columns: ReportColumn[];
  /** One value per column, in column order. */
  rows: CsvValue[][];
  /** Shown in the PDF in place of rows when there are none. */
  emptyText: string;
}

export interface ChartSeries {
  name: string;
  /** A hex colour, e.g. #16a34a. */
  color: string;
}

export interface BarChart {
  title: string;
  /** Vertical for a time axis (one bar per day), horizontal for named categories. */
  orientation: 'vertical' | 'horizontal';
  /** Stacked: a bar's series add up; otherwise they stand side by side. */
  stacked: boolean;
  unit: 'count' | 'ms';
  series: ChartSeries[];
  /** `values` has one number per series. */
  bars: Array<{ label: string; values: number[] }>;
  /** Shown in place of the chart when every value is zero. */
  emptyText: string;
}

/** What a kind collects; report-generate adds the range and time and writes it out. */
export interface ReportBody {
  title: string;
  /** One line under the title, e.g. "42 failed tasks, 5 reasons". */
  summary: string;
  chart: BarChart;
  /** The first is the main table (the only one a plain CSV reader sees). */
  tables: ReportTable[];
}

export interface ReportContent extends ReportBody {
  kind: ReportKind;
  range: ReportRange;
  generatedAt: Date;
}

/** [start, end) instants of an inclusive range of UTC dates, for `created_at` bounds. */
export function toRangeBounds(range: ReportRange): { start: Date; end: Date } {
  const start = new Date(`${range.from}T00:00:00.000Z`);
  const end = new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000);
  return { start, end };
}

export function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

/** "1 task", "2 tasks": for summaries and log lines. */
export function countOf(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
