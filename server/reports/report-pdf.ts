import type { Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import type { ReportContent } from './report-content';
import { drawBarChart } from './report-pdf-chart';
import { drawTable } from './report-pdf-table';
import { toWinAnsi } from './report-pdf-text';

// A report as an A4 PDF: title, range, generation time and summary; a bar chart; then its
// tables. Drawn page by page into pdfkit's stream while storage reads it, so a long report is
// never held whole in memory (pdfkit writes out each page once the next one starts).

const MARGINS = { top: 40, bottom: 50, left: 40, right: 40 };
const CHART_HEIGHT = 210;
/** Drawing pauses while more than this is waiting to be read. */
const MAX_UNREAD_BYTES = 1 << 20;
const TEXT = '#0f172a';
const MUTED = '#64748b';

export interface ReportPdfOptions {
  /** Deflate content streams (default). Tests turn it off to read the text back. */
  compress?: boolean;
  /** Aborts drawing between pages; the stream then errors with the abort reason. */
  signal?: AbortSignal;
}

/** The PDF as a stream; it errors (rather than ends) if drawing fails or is aborted. */
export function createReportPdf(content: ReportContent, options: ReportPdfOptions = {}): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    autoFirstPage: false,
    bufferPages: false,
    compress: options.compress ?? true,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `${content.title}, ${content.range.from} to ${content.range.to}`,
      Author: 'Taskdeck',
      Creator: 'Taskdeck',
      CreationDate: content.generatedAt,
    },
  });
  drawReport(doc, content, options.signal).then(
    () => doc.end(),
    (error: unknown) => doc.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return doc;
}

async function drawReport(
  doc: PDFKit.PDFDocument,
  content: ReportContent,
  signal: AbortSignal | undefined,
): Promise<void> {
  let pageNumber = 0;
  const left = MARGINS.left;
  const width = () => doc.page.width - MARGINS.left - MARGINS.right;
  const bottom = () => doc.page.height - MARGINS.bottom;

  async function newPage(): Promise<number> {
    if (pageNumber > 0) await handOver(doc, signal);
    doc.addPage();
    pageNumber += 1;
    drawFooter(doc, content, pageNumber);
    return MARGINS.top;
  }

  let y = await newPage();
  y = drawHeading(doc, content, left, y, width());
  y = drawBarChart(doc, content.chart, { x: left, y, width: width(), height: CHART_HEIGHT }) + 24;
  for (const table of content.tables) {
    y = await drawTable(doc, table, y, { left, width: width(), bottom: bottom(), newPage });
    y += 20;
  }
}

function drawHeading(
  doc: PDFKit.PDFDocument,
  content: ReportContent,
  x: number,
  y: number,
  width: number,
): number {
  doc.font('Helvetica-Bold').fontSize(18).fillColor(TEXT);
  doc.text(toWinAnsi(content.title), x, y, { lineBreak: false });
  y += 26;
  const generated = content.generatedAt.toISOString().slice(0, 16).replace('T', ' ');
  doc.font('Helvetica').fontSize(10).fillColor(MUTED);
  doc.text(
    `${content.range.from} to ${content.range.to} (UTC days)  \u00b7  generated ${generated} UTC`,
    x,
    y,
    { lineBreak: false },
  );
  y += 16;
  doc.fillColor(TEXT);
  // The summary may wrap onto a second line; anything longer is cut.
  doc.text(toWinAnsi(content.summary), x, y, { width, height: 26, ellipsis: true });
  return y + 34;
}

function drawFooter(doc: PDFKit.PDFDocument, content: ReportContent, pageNumber: number): void {
  const y = doc.page.height - MARGINS.bottom + 18;
  const right = doc.page.width - MARGINS.right;
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  doc.text(
    `Taskdeck  \u00b7  ${toWinAnsi(content.title)}  \u00b7  ${content.range.from} to ${content.range.to}`,
    MARGINS.left,
    y,
    { lineBreak: false },
  );
  const label = `Page ${pageNumber}`;
  doc.text(label, right - doc.widthOfString(label), y, { lineBreak: false });
}

/**
 * Between pages: stop if the task was cancelled, and let the reader catch up. pdfkit pushes
 * without heeding backpressure, so without this pause the whole file would pile up unread.
 */
async function handOver(doc: PDFKit.PDFDocument, signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  while (doc.readableLength > MAX_UNREAD_BYTES && !doc.destroyed) {
    signal?.throwIfAborted();
    await sleep(5);
  }
  signal?.throwIfAborted();
  if (doc.destroyed) throw new Error('The PDF stream was closed before the report was drawn.');
}
