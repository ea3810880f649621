import type { ReportKind } from '@/lib/tasks/task-inputs';
import { ACTIVITY_SECTIONS, collectActivityReport } from './activity-report';
import { collectDurationsReport, DURATIONS_SECTIONS } from './durations-report';
import { collectFailuresReport, FAILURES_SECTIONS } from './failures-report';
import type { ReportBody, ReportRange } from './report-content';
import type { SectionRunner } from './report-sections';

export interface ReportDefinition {
  /** Starts each progress message and log line. */
  label: string;
  /** Sections the collecting takes; writing the file is one more. */
  sections: number;
  /** Reads the data, one section per query. `summary` goes into the task's result. */
  collect(
    range: ReportRange,
    sections: SectionRunner,
  ): Promise<{ body: ReportBody; summary: object }>;
}

export const REPORT_DEFINITIONS: Record<ReportKind, ReportDefinition> = {
  activity: { label: 'Activity', sections: ACTIVITY_SECTIONS, collect: collectActivityReport },
  failures: { label: 'Failures', sections: FAILURES_SECTIONS, collect: collectFailuresReport },
  durations: { label: 'Durations', sections: DURATIONS_SECTIONS, collect: collectDurationsReport },
};
