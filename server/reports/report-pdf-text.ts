import type { CsvValue } from '@/lib/csv';
import type { ColumnFormat } from './report-content';

// Text for the PDF's standard fonts. Helvetica (a PDF standard font, so no font file to ship)
// only has the WinAnsi character set: Latin-1 plus a few typographic marks. pdfkit writes any
// other character as a broken code, so everything drawn goes through toWinAnsi first.

/** The characters beyond Latin-1 that WinAnsi has (pdfkit maps these itself). */
const WIN_ANSI_EXTRAS = new Set(
  [
    0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014,
    0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039,
    0x203a, 0x20ac, 0x2122,
  ].map((code) => String.fromCodePoint(code)),
);

/**
 * Replaces what Helvetica cannot draw with '?' (one per character, an emoji included) and
 * control characters, tabs and line breaks with a space: table cells are one line.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code <= 0xff || WIN_ANSI_EXTRAS.has(char)) out += char;
    else out += '?';
  }
  return out;
}

/** Measures with the document's current font and size. */
export type MeasureText = (text: string) => number;

const ELLIPSIS = '\u2026';

/** The longest prefix of `text` that fits `width` with an ellipsis; the text itself if it fits. */
export function fitText(text: string, width: number, measure: MeasureText): string {
  if (measure(text) <= width) return text;
  if (measure(ELLIPSIS) > width) return '';
  // Binary search over the prefix length: a long message is cut in a few measurements.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(text.slice(0, middle).trimEnd() + ELLIPSIS) <= width) low = middle;
    else high = middle - 1;
  }
  return text.slice(0, low).trimEnd() + ELLIPSIS;
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A cell as shown in the PDF (the CSV keeps the raw value). */
export function formatCell(value: CsvValue, format: ColumnFormat): string {
  if (value === null || value === undefined) return '';
  if ((format === 'integer' || format === 'ms') && typeof value === 'number') {
    return integerFormat.format(value);
  }
  if (format === 'time' && typeof value === 'string') {
    // 2026-01-31T10:00:00.000Z -> 2026-01-31 10:00:00: the column header says UTC.
    return value.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  }
  return toWinAnsi(String(value));
}

/** An axis label: counts as integers, durations in the largest unit that keeps them short. */
export function formatAxisValue(value: number, unit: 'count' | 'ms'): string {
  if (unit === 'count') return integerFormat.format(value);
  if (value < 1_000) return `${integerFormat.format(value)} ms`;
  if (value < 60_000) return `${trimNumber(value / 1_000)} s`;
  if (value < 3_600_000) return `${trimNumber(value / 60_000)} min`;
  return `${trimNumber(value / 3_600_000)} h`;
}

function trimNumber(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

/** A round step (1, 2 or 5 × 10^n) that splits 0..max into about `ticks` parts. */
export function niceStep(max: number, ticks: number): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * magnitude;
}
