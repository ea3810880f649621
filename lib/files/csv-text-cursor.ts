import { type CsvDelimiter } from './csv-delimiter';

// Position lookups for CsvScanner. Each remembers the next occurrence of its character at or
// after the last position asked (text.length when there is none), so that across a whole text
// no character is searched twice, however the scanner interleaves its questions. Positions
// asked must not go backwards until reset().

const LF = 10;
const CR = 13;
const SPACE = 32;

export class CsvTextCursor {
  protected delim = ',';
  protected delimCode = 44;
  private nextLF = -1;
  private nextCR = -1;
  private nextQuote = -1;
  private nextDelim = -1;
  private nextComma = -1;

  setDelimiter(delimiter: CsvDelimiter): void {
    this.delim = delimiter;
    this.delimCode = delimiter.charCodeAt(0);
  }

  /** Forgets what was found ahead: for a new text, or to scan from an earlier position. */
  protected resetPositions(): void {
    this.nextLF = this.nextCR = this.nextQuote = this.nextDelim = this.nextComma = -1;
  }

  /** Where an unquoted field starting at `p` ends: delimiter, line end or end of text. */
  protected fieldEnd(text: string, p: number): number {
    const d = this.delimFrom(text, p);
    const lf = this.lfFrom(text, p);
    const cr = this.crFrom(text, p);
    return d < lf ? (d < cr ? d : cr) : lf < cr ? lf : cr;
  }

  protected lfFrom(text: string, p: number): number {
    if (this.nextLF < p) this.nextLF = indexOrEnd(text, '\n', p);
    return this.nextLF;
  }

  protected crFrom(text: string, p: number): number {
    if (this.nextCR < p) this.nextCR = indexOrEnd(text, '\r', p);
    return this.nextCR;
  }

  protected quoteFrom(text: string, p: number): number {
    if (this.nextQuote < p) this.nextQuote = indexOrEnd(text, '"', p);
    return this.nextQuote;
  }

  protected commaFrom(text: string, p: number): number {
    if (this.nextComma < p) this.nextComma = indexOrEnd(text, ',', p);
    return this.nextComma;
  }

  protected delimFrom(text: string, p: number): number {
    if (this.nextDelim < p) this.nextDelim = indexOrEnd(text, this.delim, p);
    return this.nextDelim;
  }
}

export function skipSpaces(text: string, from: number, to: number): number {
  while (from < to && text.charCodeAt(from) === SPACE) from++;
  return from;
}

function indexOrEnd(text: string, char: string, from: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? text.length : i;
}

/** Physical line ends in text[from, to): LF, CRLF (once) and lone CR. */
export function countLineEnds(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}
