import type { ReportFormat } from '@/lib/tasks/task-inputs';
import type { ReportContent } from '@/server/reports/report-content';
import { formatReportCsv } from '@/server/reports/report-csv';
import { REPORT_DEFINITIONS } from '@/server/reports/report-definitions';
import { createSectionRunner } from '@/server/reports/report-sections';
import { taskOutputPrefix, type TaskContext, type TaskOutput } from '../task-type';
import type { ReportPayload } from './report-generate';

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/** ASCII only (kind, dates, extension): it is both the storage key's last segment and the name. */
export function reportFileName(payload: ReportPayload): string {
  return `${payload.kind}-${payload.from}-to-${payload.to}.${payload.format}`;
}

export async function processTask({
  taskId,
  payload,
  signal,
  reportProgress,
  log,
  storage,
}: TaskContext<ReportPayload>): Promise<TaskOutput> {
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
      // Loaded here, not at the top: a worker that only writes CSV reports never loads pdfkit
      // and its font machinery.
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
        sha256: stored.sha256,
        kind: 'report',
        meta: { reportKind: payload.kind, format: payload.format, ...range },
      },
    ],
  };
}
