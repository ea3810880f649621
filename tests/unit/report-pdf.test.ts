import { describe, expect, it } from 'vitest';
import type { ReportContent, ReportTable } from '@/server/reports/report-content';
import { createReportPdf } from '@/server/reports/report-pdf';
import { fitText, formatAxisValue, niceStep, toWinAnsi } from '@/server/reports/report-pdf-text';

// The PDF writer on fixed data, uncompressed so that the page content streams can be read back:
// pdfkit writes each text run as `[<hex> kerning <hex> …] TJ` in WinAnsi codes.

const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03'];

function activityTable(rows: number): ReportTable {
  return {
    id: 'activity',
    title: 'Tasks per day, type and status',
    columns: [
      { key: 'date', label: 'Date', format: 'text', weight: 1.3 },
      { key: 'type', label: 'Type', format: 'text', weight: 2.2 },
      { key: 'status', label: 'Status', format: 'text', weight: 1.3 },
      { key: 'count', label: 'Count', format: 'integer', weight: 0.9 },
      { key: 'max_duration_ms', label: 'Max ms', format: 'ms', weight: 1 },
    ],
    rows: Array.from({ length: rows }, (_, index) => [
      DAYS[index % DAYS.length],
      `type-${String(index).padStart(4, '0')}`,
      'succeeded',
      index,
      index * 1000,
    ]),
    emptyText: 'No tasks in this range',
  };
}

function activityReport(rows: number, counts: number[] = [5, 0, 12]): ReportContent {
  return {
    kind: 'activity',
    range: { from: '2026-01-01', to: '2026-01-03' },
    generatedAt: new Date('2026-01-04T09:30:00Z'),
    title: 'Task activity',
    summary: `${rows} rows`,
    chart: {
      title: 'Tasks created per day',
      orientation: 'vertical',
      stacked: true,
      unit: 'count',
      series: [
        { name: 'Succeeded', color: '#16a34a' },
        { name: 'Failed', color: '#dc2626' },
      ],
      bars: DAYS.map((label, index) => ({ label, values: [counts[index] ?? 0, 1] })),
      emptyText: 'No tasks in this range',
    },
    tables: [activityTable(rows)],
  };
}

async function renderPdf(content: ReportContent, signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReportPdf(content, { compress: false, signal })) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** WinAnsi 0x80..0x9f (the rest is Latin-1). Node's TextDecoder reads windows-1252 as Latin-1. */
const WIN_ANSI_HIGH = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

function decodeWinAnsi(bytes: Buffer): string {
  return [...bytes]
    .map((byte) =>
      byte >= 0x80 && byte < 0xa0 ? WIN_ANSI_HIGH[byte - 0x80]! : String.fromCharCode(byte),
    )
    .join('');
}

/** The text runs of each page, in drawing order (one content stream per page). */
function pageTexts(pdf: string): string[][] {
  return [...pdf.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map(([, stream]) =>
    [...stream!.matchAll(/\[(.*?)\] TJ/g)].map(([, run]) =>
      [...run!.matchAll(/<([0-9a-f]*)>/g)]
        .map(([, hex]) => decodeWinAnsi(Buffer.from(hex!, 'hex')))
        .join(''),
    ),
  );
}

function countPages(pdf: string): number {
  return pdf.match(/\/Type \/Page\n/g)?.length ?? 0;
}

describe('createReportPdf', () => {
  it('writes a complete PDF with the title, range and document info', async () => {
    const pdf = await renderPdf(activityReport(3));
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(countPages(pdf)).toBe(1);
    const [first] = pageTexts(pdf);
    expect(first).toContain('Task activity');
    expect(first).toContainEqual(expect.stringContaining('2026-01-01 to 2026-01-03'));
    expect(first).toContainEqual(expect.stringContaining('generated 2026-01-04 09:30 UTC'));
    expect(first).toContain('Tasks created per day');
    expect(first).toContain('Page 1');
    expect(pdf).toContain('(Task activity, 2026-01-01 to 2026-01-03)');
    expect(pdf).toContain('(Taskdeck)');
    expect(pdf).toContain('/Author');
  });

  it('runs a long table over pages, repeating its header on each', async () => {
    // Page 1 holds 27 rows below the heading and chart, every further page 47:
    // 200 rows = 27 + 47 + 47 + 47 + 32, five pages.
    const rows = 200;
    const pdf = await renderPdf(activityReport(rows));
    const pages = pageTexts(pdf);
    expect(countPages(pdf)).toBe(5);
    expect(pages).toHaveLength(5);
    for (const [index, page] of pages.entries()) {
      // The header row, in column order, then the footer with the page number.
      const header = page.indexOf('Date');
      expect(page.slice(header, header + 5)).toEqual(['Date', 'Type', 'Status', 'Count', 'Max ms']);
      expect(page).toContain(`Page ${index + 1}`);
      if (index > 0) expect(page).toContain('Tasks per day, type and status (continued)');
    }
    // Every row once, in order, across the pages.
    const types = pages.flat().filter((text) => /^type-\d{4}$/.test(text));
    expect(types).toEqual(
      Array.from({ length: rows }, (_, i) => `type-${String(i).padStart(4, '0')}`),
    );
    expect(pages[0]!.filter((text) => text.startsWith('type-'))).toHaveLength(27);
    expect(pages[1]!.filter((text) => text.startsWith('type-'))).toHaveLength(47);
    // Numbers are grouped, as people read them.
    expect(pages.flat()).toContain('199,000');
  });

  it('says there are no tasks instead of drawing an empty chart', async () => {
    const empty = activityReport(0, [0, 0, 0]);
    empty.chart.bars = DAYS.map((label) => ({ label, values: [0, 0] }));
    const [page, ...more] = pageTexts(await renderPdf(empty));
    expect(more).toHaveLength(0);
    expect(page!.filter((text) => text === 'No tasks in this range')).toHaveLength(2);
    // No axis: a chart with data labels its days.
    expect(page).not.toContain('2026-01-02');
    expect(pageTexts(await renderPdf(activityReport(1)))[0]).toContain('2026-01-02');
  });

  it('replaces what Helvetica cannot draw and cuts long cells to their column', async () => {
    const content = activityReport(1);
    const long = 'x'.repeat(400);
    content.tables[0]!.rows = [
      ['2026-01-01', 'naïve – 日本 😀', 'line\nbreak', 1, 2],
      [long, long, 'ok', 3, 4],
    ];
    const texts = pageTexts(await renderPdf(content)).flat();
    expect(texts).toContain('naïve – ?? ?');
    expect(texts).toContain('line break');
    const cut = texts.filter((text) => /^x+…$/.test(text));
    expect(cut).toHaveLength(2);
    for (const text of cut) expect(text.length).toBeLessThan(60);
  });

  it('errors the stream when aborted between pages', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(renderPdf(activityReport(200), controller.signal)).rejects.toThrow(
      'cancelled by the user',
    );
  });
});

describe('PDF text helpers', () => {
  it('keeps WinAnsi characters and replaces the rest one for one', () => {
    expect(toWinAnsi('Café € “quoted” — ok')).toBe('Café € “quoted” — ok');
    expect(toWinAnsi('Ωmega 😀 tab\there')).toBe('?mega ? tab here');
    // A decomposed é (e + combining acute) is composed first, so it survives.
    expect(toWinAnsi('e\u0301')).toBe('é');
  });

  it('fits text to a width with an ellipsis', () => {
    const measure = (text: string) => text.length * 5;
    expect(fitText('short', 100, measure)).toBe('short');
    expect(fitText('a longer sentence here', 50, measure)).toBe('a longer…');
    expect(fitText('anything', 2, measure)).toBe('');
  });

  it('picks round axis steps and readable duration labels', () => {
    expect(niceStep(17, 4)).toBe(5);
    expect(niceStep(3, 4)).toBe(1);
    expect(niceStep(0, 4)).toBe(1);
    expect(formatAxisValue(1200, 'count')).toBe('1,200');
    expect(formatAxisValue(250, 'ms')).toBe('250 ms');
    expect(formatAxisValue(1500, 'ms')).toBe('1.5 s');
    expect(formatAxisValue(90_000, 'ms')).toBe('1.5 min');
  });
});
