import { formatCsvLine } from '@/lib/csv';
import type { ReportTable } from './report-content';

/**
 * A report as one CSV (RFC 4180, CRLF). The main table comes first and alone is a plain CSV:
 * header on line 1, then its rows, so spreadsheets and scripts that read one table (and the
 * activity report's existing clients) see exactly that. Each further table follows after a
 * blank line and a `# <table id>` comment line, then its own header and rows.
 *
 * Rows are yielded one by one, so storage writes them as they come.
 */
export async function* formatReportCsv(tables: readonly ReportTable[]): AsyncGenerator<string> {
  for (const [index, table] of tables.entries()) {
    if (index > 0) yield `\r\n# ${table.id}\r\n`;
    yield formatCsvLine(table.columns.map((column) => column.key));
    for (const row of table.rows) yield formatCsvLine(row);
  }
}
