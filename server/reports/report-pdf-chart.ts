import type { BarChart } from './report-content';
import { fitText, formatAxisValue, niceStep, toWinAnsi } from './report-pdf-text';

// A bar chart drawn with pdfkit's vector primitives (rects, lines, text): no image, no font
// file, sharp at any zoom. Vertical bars for a time axis, horizontal ones for named categories.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const TEXT = '#0f172a';
const MUTED = '#64748b';
const GRID = '#e2e8f0';
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const TICKS = 4;

/**
 * Draws the chart inside `box` and answers the y where it ends (a short category chart ends
 * early). An all-zero chart becomes its `emptyText`, in a frame.
 */
export function drawBarChart(doc: PDFKit.PDFDocument, chart: BarChart, box: Box): number {
  doc.font(BOLD).fontSize(11).fillColor(TEXT);
  doc.text(toWinAnsi(chart.title), box.x, box.y, { lineBreak: false });
  let top = box.y + 18;
  const hasData = chart.bars.some((bar) => bar.values.some((value) => value > 0));
  if (!hasData) {
    const height = box.y + box.height - top;
    doc.rect(box.x, top, box.width, height).lineWidth(0.5).strokeColor(GRID).stroke();
    doc.font(FONT).fontSize(12).fillColor(MUTED);
    doc.text(toWinAnsi(chart.emptyText), box.x, top + height / 2 - 6, {
      width: box.width,
      align: 'center',
      lineBreak: false,
    });
    return box.y + box.height;
  }
  if (chart.series.length > 1) {
    drawLegend(doc, chart, box.x, top);
    top += 14;
  }
  const plot = { ...box, y: top, height: box.y + box.height - top };
  return chart.orientation === 'vertical'
    ? drawVertical(doc, chart, plot)
    : drawHorizontal(doc, chart, plot);
}

function drawLegend(doc: PDFKit.PDFDocument, chart: BarChart, x: number, y: number): void {
  doc.font(FONT).fontSize(8);
  let left = x;
  for (const series of chart.series) {
    doc
      .rect(left, y + 1, 8, 8)
      .fillColor(series.color)
      .fill();
    const name = toWinAnsi(series.name);
    doc.fillColor(TEXT).text(name, left + 11, y + 1, { lineBreak: false });
    left += 11 + doc.widthOfString(name) + 12;
  }
}

/** The axis maximum (a whole number of steps) and the step between gridlines. */
function scaleOf(chart: BarChart): { max: number; step: number } {
  const totals = chart.bars.map((bar) =>
    chart.stacked ? bar.values.reduce((sum, value) => sum + value, 0) : Math.max(...bar.values),
  );
  const largest = Math.max(0, ...totals);
  let step = niceStep(largest, TICKS);
  if (chart.unit === 'count') step = Math.max(1, step);
  return { max: Math.max(step, Math.ceil(largest / step) * step), step };
}

function drawVertical(doc: PDFKit.PDFDocument, chart: BarChart, area: Box): number {
  const axisWidth = 44;
  const labelHeight = 14;
  const plot = {
    x: area.x + axisWidth,
    y: area.y + 4,
    width: area.width - axisWidth,
    height: area.height - labelHeight - 4,
  };
  const bottom = plot.y + plot.height;
  const { max, step } = scaleOf(chart);
  doc.font(FONT).fontSize(7);
  for (let value = 0; value <= max + step / 2; value += step) {
    const y = bottom - (value / max) * plot.height;
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.width, y)
      .lineWidth(0.5)
      .strokeColor(GRID)
      .stroke();
    const label = formatAxisValue(value, chart.unit);
    doc.fillColor(MUTED).text(label, plot.x - 4 - doc.widthOfString(label), y - 3, {
      lineBreak: false,
    });
  }

  const slot = plot.width / chart.bars.length;
  // Thin slots (a year of days) get no gap, so the bars do not turn into hairlines.
  const barWidth = slot >= 4 ? slot * 0.7 : slot;
  for (const [index, bar] of chart.bars.entries()) {
    const left = plot.x + index * slot + (slot - barWidth) / 2;
    let base = bottom;
    for (const [seriesIndex, series] of chart.series.entries()) {
      const value = bar.values[seriesIndex] ?? 0;
      if (value <= 0) continue;
      const height = (value / max) * plot.height;
      if (chart.stacked) {
        doc
          .rect(left, base - height, barWidth, height)
          .fillColor(series.color)
          .fill();
        base -= height;
      } else {
        const width = barWidth / chart.series.length;
        doc
          .rect(left + seriesIndex * width, bottom - height, width, height)
          .fillColor(series.color)
          .fill();
      }
    }
  }

  // Label every n-th bar so that labels never overlap.
  doc.font(FONT).fontSize(7).fillColor(MUTED);
  const widest = Math.max(...chart.bars.map((bar) => doc.widthOfString(toWinAnsi(bar.label))));
  const every = Math.max(1, Math.ceil((widest + 6) / slot));
  let lastRight = -Infinity;
  for (const [index, bar] of chart.bars.entries()) {
    if (index % every !== 0) continue;
    const label = toWinAnsi(bar.label);
    const labelWidth = doc.widthOfString(label);
    const center = plot.x + (index + 0.5) * slot;
    // Kept inside the chart; a label pushed back onto its neighbour is left out.
    const x = Math.min(Math.max(center - labelWidth / 2, area.x), area.x + area.width - labelWidth);
    if (x < lastRight + 6) continue;
    doc.text(label, x, bottom + 4, { lineBreak: false });
    lastRight = x + labelWidth;
  }
  return area.y + area.height;
}

function drawHorizontal(doc: PDFKit.PDFDocument, chart: BarChart, area: Box): number {
  const labelWidth = Math.min(170, area.width * 0.32);
  const valueWidth = 44;
  const axisHeight = 14;
  // Bars stay at most 18 pt thick (a 24 pt slot), and the axis sits right under the last one,
  // so two categories do not become two slabs or float above an empty frame.
  const slot = Math.min((area.height - axisHeight) / chart.bars.length, 24);
  const plot = {
    x: area.x + labelWidth + 6,
    y: area.y,
    width: area.width - labelWidth - 6 - valueWidth,
    height: slot * chart.bars.length,
  };
  const bottom = plot.y + plot.height;
  const { max, step } = scaleOf(chart);
  doc.font(FONT).fontSize(7);
  for (let value = 0; value <= max + step / 2; value += step) {
    const x = plot.x + (value / max) * plot.width;
    doc.moveTo(x, plot.y).lineTo(x, bottom).lineWidth(0.5).strokeColor(GRID).stroke();
    const label = formatAxisValue(value, chart.unit);
    doc.fillColor(MUTED).text(label, x - doc.widthOfString(label) / 2, bottom + 4, {
      lineBreak: false,
    });
  }

  const thickness = slot * 0.75;
  const measure = (text: string) => doc.widthOfString(text);
  for (const [index, bar] of chart.bars.entries()) {
    const top = plot.y + index * slot + (slot - thickness) / 2;
    doc.font(FONT).fontSize(7).fillColor(TEXT);
    const label = fitText(toWinAnsi(bar.label), labelWidth, measure);
    doc.text(label, area.x + labelWidth - measure(label), top + thickness / 2 - 3, {
      lineBreak: false,
    });
    let start = plot.x;
    const each = chart.stacked ? thickness : thickness / chart.series.length;
    for (const [seriesIndex, series] of chart.series.entries()) {
      const value = bar.values[seriesIndex] ?? 0;
      const length = (value / max) * plot.width;
      const y = chart.stacked ? top : top + seriesIndex * each;
      const x = chart.stacked ? start : plot.x;
      if (length > 0) doc.rect(x, y, length, each).fillColor(series.color).fill();
      if (chart.stacked) start += length;
      else drawValue(doc, formatAxisValue(Math.round(value), chart.unit), x + length + 3, y, each);
    }
    if (chart.stacked) {
      const total = bar.values.reduce((sum, value) => sum + value, 0);
      drawValue(doc, formatAxisValue(Math.round(total), chart.unit), start + 3, top, thickness);
    }
  }
  return bottom + axisHeight;
}

/** A value at the end of a bar, centred on its thickness. */
function drawValue(doc: PDFKit.PDFDocument, text: string, x: number, y: number, height: number) {
  const size = Math.min(7, Math.max(5, height - 1));
  doc
    .font(FONT)
    .fontSize(size)
    .fillColor(MUTED)
    .text(text, x, y + height / 2 - size / 2, { lineBreak: false });
}
