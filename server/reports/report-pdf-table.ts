import type { ReportColumn, ReportTable } from './report-content';
import { fitText, formatCell, toWinAnsi } from './report-pdf-text';

// A table that runs over as many pages as it needs: header row on every page, zebra rows, and
// every cell on one line, cut with an ellipsis to its column (no row ever grows).

export const TABLE_TITLE_HEIGHT = 18;
export const CONTINUED_HEIGHT = 14;
export const HEADER_HEIGHT = 18;
export const ROW_HEIGHT = 15;
const PADDING = 4;
const FONT_SIZE = 8;
const HEADER_FILL = '#334155';
const ZEBRA_FILL = '#f1f5f9';
const TEXT = '#0f172a';
const MUTED = '#64748b';

export interface TableFrame {
  left: number;
  width: number;
  /** Rows end above this y; past it the table goes on on a new page. */
  bottom: number;
  /** Starts a new page and answers the y where content may begin. */
  newPage(): Promise<number>;
}

/** Draws `table` from `y` on; answers the y below it. */
export async function drawTable(
  doc: PDFKit.PDFDocument,
  table: ReportTable,
  y: number,
  frame: TableFrame,
): Promise<number> {
  // Never leave a title and header alone at the bottom of a page.
  if (y + TABLE_TITLE_HEIGHT + HEADER_HEIGHT + ROW_HEIGHT > frame.bottom) y = await frame.newPage();
  doc.font('Helvetica-Bold').fontSize(11).fillColor(TEXT);
  doc.text(toWinAnsi(table.title), frame.left, y, { lineBreak: false });
  y += TABLE_TITLE_HEIGHT;

  const widths = columnWidths(table.columns, frame.width);
  drawHeader(doc, table.columns, widths, frame.left, y);
  y += HEADER_HEIGHT;

  if (table.rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(FONT_SIZE).fillColor(MUTED);
    doc.text(toWinAnsi(table.emptyText), frame.left + PADDING, y + 4, { lineBreak: false });
    return y + ROW_HEIGHT;
  }

  for (const [index, row] of table.rows.entries()) {
    if (y + ROW_HEIGHT > frame.bottom) {
      y = await frame.newPage();
      doc.font('Helvetica-Oblique').fontSize(FONT_SIZE).fillColor(MUTED);
      doc.text(`${toWinAnsi(table.title)} (continued)`, frame.left, y, { lineBreak: false });
      y += CONTINUED_HEIGHT;
      drawHeader(doc, table.columns, widths, frame.left, y);
      y += HEADER_HEIGHT;
    }
    if (index % 2 === 1)
      doc.rect(frame.left, y, frame.width, ROW_HEIGHT).fillColor(ZEBRA_FILL).fill();
    doc.font('Helvetica').fontSize(FONT_SIZE).fillColor(TEXT);
    let x = frame.left;
    for (const [column, spec] of table.columns.entries()) {
      const width = widths[column] ?? 0;
      drawCell(doc, formatCell(row[column], spec.format), x, y + 4, width, alignOf(spec));
      x += width;
    }
    y += ROW_HEIGHT;
  }
  return y;
}

function drawHeader(
  doc: PDFKit.PDFDocument,
  columns: readonly ReportColumn[],
  widths: readonly number[],
  left: number,
  y: number,
): void {
  const total = widths.reduce((sum, width) => sum + width, 0);
  doc.rect(left, y, total, HEADER_HEIGHT).fillColor(HEADER_FILL).fill();
  doc.font('Helvetica-Bold').fontSize(FONT_SIZE).fillColor('#ffffff');
  let x = left;
  for (const [index, column] of columns.entries()) {
    const width = widths[index] ?? 0;
    drawCell(doc, toWinAnsi(column.label), x, y + 5, width, alignOf(column));
    x += width;
  }
}

function drawCell(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  align: 'left' | 'right',
): void {
  if (text === '') return;
  const room = width - 2 * PADDING;
  const fitted = fitText(text, room, (candidate) => doc.widthOfString(candidate));
  if (fitted === '') return;
  const left = align === 'right' ? x + width - PADDING - doc.widthOfString(fitted) : x + PADDING;
  doc.text(fitted, left, y, { lineBreak: false });
}

function alignOf(column: ReportColumn): 'left' | 'right' {
  return column.format === 'integer' || column.format === 'ms' ? 'right' : 'left';
}

export function columnWidths(columns: readonly ReportColumn[], width: number): number[] {
  const weights = columns.reduce((sum, column) => sum + column.weight, 0);
  return columns.map((column) => (column.weight / weights) * width);
}
