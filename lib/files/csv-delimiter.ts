// Delimiter detection: the candidate that splits the first lines into the same, non-zero
// number of fields wins. Counting ignores delimiters inside quotes, so a comma inside a quoted
// name does not vote for ','.

export type CsvDelimiter = ',' | ';' | '\t' | '|';

export const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];

/** Lines looked at; more rarely changes the answer and only delays the first record. */
export const DETECT_LINES = 20;
/** Text looked at, at most, when lines are long. */
export const DETECT_CHARS = 64 * 1024;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Picks the delimiter for `sample` (the start of the file). `complete` says the sample is the
 * whole file, so its last line counts even without a line end. Defaults to ','.
 */
export function detectCsvDelimiter(sample: string, complete: boolean): CsvDelimiter {
  const codes = CSV_DELIMITERS.map((d) => d.charCodeAt(0));
  const perLine = countPerLine(sample, codes, complete);
  let best: CsvDelimiter = ',';
  let bestScore = 0;
  CSV_DELIMITERS.forEach((delimiter, k) => {
    const counts = perLine.map((line) => line[k] ?? 0);
    const first = counts[0] ?? 0;
    if (first === 0) return;
    // Lines agreeing with the header count most; the header's own count breaks ties, so a
    // tab-separated file with one stray comma per line still reads as tab-separated.
    const agreeing = counts.filter((c) => c === first).length;
    const score = agreeing * 1_000_000 + first;
    if (score > bestScore) {
      bestScore = score;
      best = delimiter;
    }
  });
  return best;
}

/** Per non-empty line, how often each candidate occurs outside quotes. */
function countPerLine(sample: string, codes: number[], complete: boolean): number[][] {
  const lines: number[][] = [];
  let counts = codes.map(() => 0);
  let inQuotes = false;
  let lineHasText = false;
  const end = Math.min(sample.length, DETECT_CHARS);
  for (let i = 0; i < end && lines.length < DETECT_LINES; i++) {
    const c = sample.charCodeAt(i);
    if (c === QUOTE) {
      inQuotes = !inQuotes;
      lineHasText = true;
    } else if (!inQuotes && (c === LF || c === CR)) {
      if (lineHasText) lines.push(counts);
      counts = codes.map(() => 0);
      lineHasText = false;
    } else {
      lineHasText = true;
      if (!inQuotes) {
        const k = codes.indexOf(c);
        if (k >= 0) counts[k] = (counts[k] ?? 0) + 1;
      }
    }
  }
  // A cut-off last line would under-count; keep it only when it is really the file's end
  // (or the only line there is).
  if (lineHasText && (complete || lines.length === 0)) lines.push(counts);
  return lines;
}
