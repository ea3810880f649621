import { countOf, toRangeBounds, type ReportBody, type ReportRange } from './report-content';
import { readFailureReasons, readRecentFailures, type FailureReason } from './failure-stats';
import type { SectionRunner } from './report-sections';

// Failures with their reasons: failed tasks grouped by type and error code, then the most
// recent ones one by one.

/** The newest failures listed one by one; the grouped table covers all of them. */
export const RECENT_FAILURES_LIMIT = 200;
/** More bars than this are unreadable on A4; the table lists every group. */
const CHART_BARS = 12;

export interface FailuresSummary {
  failed: number;
  reasons: number;
  listed: number;
}

export const FAILURES_SECTIONS = 2;

export async function collectFailuresReport(
  range: ReportRange,
  sections: SectionRunner,
): Promise<{ body: ReportBody; summary: FailuresSummary }> {
  const { start, end } = toRangeBounds(range);
  const reasons = await sections.run(
    'grouping by reason',
    () => readFailureReasons(start, end),
    (found) => `${countOf(countFailed(found), 'failed task')}, ${countOf(found.length, 'reason')}`,
  );
  const recent = await sections.run(
    `listing the latest ${RECENT_FAILURES_LIMIT}`,
    () => readRecentFailures(start, end, RECENT_FAILURES_LIMIT),
    (found) => `listed the most recent ${countOf(found.length, 'failure')}`,
  );

  const summary: FailuresSummary = {
    failed: countFailed(reasons),
    reasons: reasons.length,
    listed: recent.length,
  };
  const shown = reasons.slice(0, CHART_BARS);
  const body: ReportBody = {
    title: 'Failures with their reasons',
    summary: `${countOf(summary.failed, 'failed task')}, ${countOf(summary.reasons, 'distinct reason')} (type and error code)`,
    chart: {
      title:
        reasons.length > shown.length
          ? `Failures per type and code (top ${shown.length} of ${reasons.length})`
          : 'Failures per type and code',
      orientation: 'horizontal',
      stacked: false,
      unit: 'count',
      series: [{ name: 'Failures', color: '#dc2626' }],
      bars: shown.map((reason) => ({
        label: `${reason.type} / ${reason.code}`,
        values: [reason.count],
      })),
      emptyText: 'No failed tasks in this range',
    },
    tables: [
      {
        id: 'reasons',
        title: 'Failures by reason',
        columns: [
          { key: 'type', label: 'Type', format: 'text', weight: 1.6 },
          { key: 'code', label: 'Code', format: 'text', weight: 1.3 },
          { key: 'count', label: 'Count', format: 'integer', weight: 0.7 },
          { key: 'last_seen', label: 'Last seen (UTC)', format: 'time', weight: 1.4 },
          { key: 'sample_message', label: 'Latest message', format: 'text', weight: 3.5 },
        ],
        rows: reasons.map((reason) => [
          reason.type,
          reason.code,
          reason.count,
          reason.lastSeen?.toISOString() ?? null,
          reason.sampleMessage,
        ]),
        emptyText: 'No failed tasks in this range',
      },
      {
        id: 'recent_failures',
        title: `Most recent failures (up to ${RECENT_FAILURES_LIMIT})`,
        columns: [
          { key: 'id', label: 'Task', format: 'text', weight: 1.3 },
          { key: 'type', label: 'Type', format: 'text', weight: 1.3 },
          { key: 'code', label: 'Code', format: 'text', weight: 1.1 },
          { key: 'message', label: 'Message', format: 'text', weight: 2.7 },
          { key: 'finished_at', label: 'Finished (UTC)', format: 'time', weight: 1.7 },
          { key: 'attempts', label: 'Attempts', format: 'integer', weight: 0.9 },
        ],
        rows: recent.map((failure) => [
          failure.id,
          failure.type,
          failure.code,
          failure.message,
          failure.finishedAt?.toISOString() ?? null,
          failure.attempts,
        ]),
        emptyText: 'No failed tasks in this range',
      },
    ],
  };
  return { body, summary };
}

function countFailed(reasons: readonly FailureReason[]): number {
  return reasons.reduce((sum, reason) => sum + reason.count, 0);
}
