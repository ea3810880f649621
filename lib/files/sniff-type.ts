import {
  sniffMagicNumber,
  type CsvDelimiter,
  type SniffedKind,
  type SniffedType,
} from './magic-numbers';

// What an upload really is, from its first bytes only. The file name and the browser's claimed
// type are never inputs: a PNG named x.csv is an image, a CSV named x.png is a CSV.
// Text is only ever text/plain, text/csv or application/json, never a type a browser would run
// (HTML, SVG, XML), so serving a file with its sniffed type cannot execute anything.

export type { CsvDelimiter, SniffedKind, SniffedType };

/** How much of a file sniffType looks at. */
export const SNIFF_BYTES = 65536;

/** How many lines must agree on a delimiter for a text to count as CSV. */
const CSV_SAMPLE_LINES = 20;
const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const DELIMITER_NAMES: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

type Charset = NonNullable<SniffedType['charset']>;

const EMPTY: SniffedType = {
  mime: 'application/octet-stream',
  kind: 'empty',
  label: 'Empty file',
  extension: '',
};

const UNKNOWN_BINARY: SniffedType = {
  mime: 'application/octet-stream',
  kind: 'binary',
  label: 'Binary data',
  extension: 'bin',
};

/**
 * Decodes the head as text, or returns null when it is not valid text in its encoding. Unless the
 * head is the whole file, a character cut off at its end is the cut, not an error.
 */
function decodeText(
  head: Uint8Array,
  complete: boolean,
): { text: string; charset: Charset } | null {
  let charset: Charset = 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) charset = 'utf-16le';
  else if (head[0] === 0xfe && head[1] === 0xff) charset = 'utf-16be';
  try {
    // fatal: invalid sequences (and lone surrogates in UTF-16) throw; the BOM is dropped.
    const text = new TextDecoder(charset, { fatal: true }).decode(head, { stream: !complete });
    return { text, charset };
  } catch {
    return null;
  }
}

// Controls that do not belong in text: C0 except tab, line feed, vertical tab, form feed,
// carriage return and escape (ANSI colours in logs), plus DEL and C1. NUL is checked on its own.
const STRAY_CONTROL = /[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g;

function looksLikeText(text: string): boolean {
  if (text.includes('\0')) return false;
  const strays = text.match(STRAY_CONTROL)?.length ?? 0;
  // A few stray controls happen in real text files; more than 1 in 100 characters is binary.
  return strays * 100 <= text.length;
}

/** Starts like a JSON object or array: `{` then a key or `}`, or `[` then a value or `]`. */
function looksLikeJson(text: string): boolean {
  const start = /^\s*([{[])\s*(\S?)/.exec(text);
  if (!start) return false;
  const [, bracket, next = ''] = start;
  if (next === '') return true;
  return bracket === '{' ? next === '"' || next === '}' : /^["{[\]\-0-9tfn]$/.test(next);
}

/**
 * How many times the delimiter occurs in each of the first non-blank records, outside quoted
 * fields (a quote opens a field only at its start; "" inside is an escaped quote). The last record
 * counts only when the text is the whole file, since a cut head ends inside its last line.
 */
function countDelimiters(text: string, delimiter: CsvDelimiter, complete: boolean): number[] {
  const counts: number[] = [];
  let count = 0;
  let inQuotes = false;
  let fieldStart = true;
  let hasContent = false;
  for (let index = 0; index < text.length && counts.length < CSV_SAMPLE_LINES; index += 1) {
    const char = text[index];
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') index += 1;
        else inQuotes = false;
      }
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      if (hasContent) counts.push(count);
      count = 0;
      fieldStart = true;
      hasContent = false;
    } else if (char === delimiter) {
      count += 1;
      fieldStart = true;
      hasContent = true;
    } else if (char === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      hasContent = true;
    } else if (char !== ' ' || !fieldStart) {
      // Spaces before an opening quote keep the field at its start ("a", "b").
      fieldStart = false;
      hasContent = true;
    }
  }
  if (complete && hasContent && counts.length < CSV_SAMPLE_LINES) counts.push(count);
  return counts;
}

/** Share of sampled records that must split like the header: a messy CSV is still a CSV. */
const CSV_AGREEMENT = 0.6;

/**
 * The delimiter the header has (≥ 1) of, and most sampled records the same number of,
 * preferring the one that splits lines into the most fields, then the order , ; tab |. Needs
 * two lines unless the text is the whole file. Rows with too many or too few fields are the
 * processor's to report, not a reason to call the file plain text.
 */
function findCsvDelimiter(text: string, complete: boolean): CsvDelimiter | null {
  let best: { delimiter: CsvDelimiter; count: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const counts = countDelimiters(text, delimiter, complete);
    const first = counts[0];
    if (first === undefined || first < 1 || counts.length < (complete ? 1 : 2)) continue;
    const agreeing = counts.filter((count) => count === first).length;
    if (agreeing < counts.length * CSV_AGREEMENT) continue;
    if (!best || first > best.count) best = { delimiter, count: first };
  }
  return best?.delimiter ?? null;
}

function describeText(text: string, charset: Charset, complete: boolean): SniffedType {
  // UTF-8 is the default for these types; anything else must be said.
  const parameter = charset === 'utf-8' ? '' : `; charset=${charset}`;
  const encoding = charset === 'utf-8' ? '' : charset.toUpperCase();
  const withEncoding = (label: string, detail?: string) => {
    const details = [detail, encoding].filter(Boolean).join(', ');
    return details ? `${label} (${details})` : label;
  };
  if (looksLikeJson(text)) {
    return {
      mime: `application/json${parameter}`,
      kind: 'text',
      label: withEncoding('JSON'),
      extension: 'json',
      charset,
    };
  }
  const delimiter = findCsvDelimiter(text, complete);
  if (delimiter) {
    return {
      mime: `text/csv${parameter}`,
      kind: 'csv',
      label: withEncoding('CSV', `${DELIMITER_NAMES[delimiter]}-separated`),
      extension: 'csv',
      charset,
      delimiter,
    };
  }
  return {
    mime: `text/plain${parameter}`,
    kind: 'text',
    label: withEncoding('Plain text'),
    extension: 'txt',
    charset,
  };
}

/**
 * What the file is, judged from its first bytes (up to SNIFF_BYTES). Pass `complete: true` when
 * `head` is the whole file: then its last line counts for CSV, and a character cut off at its end
 * makes it binary rather than being the cut.
 */
export function sniffType(head: Uint8Array, options: { complete?: boolean } = {}): SniffedType {
  if (head.length === 0) return EMPTY;
  const sample = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  const complete = (options.complete ?? false) && sample.length === head.length;
  // A UTF-16LE byte order mark (FF FE) would otherwise pass for an MPEG audio frame header.
  const hasUtf16Bom =
    (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  const magic = hasUtf16Bom ? null : sniffMagicNumber(sample);
  if (magic) return magic;
  const decoded = decodeText(sample, complete);
  if (decoded && looksLikeText(decoded.text)) {
    return describeText(decoded.text, decoded.charset, complete);
  }
  return UNKNOWN_BINARY;
}
