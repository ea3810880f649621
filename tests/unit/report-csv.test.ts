import { describe, expect, it } from 'vitest';
import type { ReportTable } from '@/server/reports/report-content';
import { formatReportCsv } from '@/server/reports/report-csv';

function table(id: string, rows: ReportTable['rows']): ReportTable {
  return {
    id,
    title: id,
    columns: [
      { key: 'type', label: 'Type', format: 'text', weight: 1 },
      { key: 'count', label: 'Count', format: 'integer', weight: 1 },
      { key: 'message', label: 'Message', format: 'text', weight: 1 },
    ],
    rows,
    emptyText: 'none',
  };
}

async function csvOf(tables: ReportTable[]): Promise<string> {
  let text = '';
  for await (const chunk of formatReportCsv(tables)) text += chunk;
  return text;
}

describe('formatReportCsv', () => {
  it('writes the main table alone as a plain CSV', async () => {
    expect(
      await csvOf([
        table('reasons', [
          ['a.run', 2, 'x, "quoted"'],
          ['b.run', 1, null],
        ]),
      ]),
    ).toBe('type,count,message\r\na.run,2,"x, ""quoted"""\r\nb.run,1,\r\n');
  });

  it('puts further tables after a blank line and a # comment naming them', async () => {
    const csv = await csvOf([
      table('reasons', [['a.run', 2, 'timeout']]),
      table('recent_failures', []),
      table('more', [['日本.run', 1, 'line\nbreak']]),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'type,count,message',
      'a.run,2,timeout',
      '',
      '# recent_failures',
      'type,count,message',
      '',
      '# more',
      'type,count,message',
      '日本.run,1,"line\nbreak"',
      '',
    ]);
  });
});
