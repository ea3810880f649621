import { CsvRecordView, type CsvRecordSink } from './csv-record';
import { countLineEnds, CsvTextCursor, skipSpaces } from './csv-text-cursor';

export { countLineEnds } from './csv-text-cursor';

// The record scanner behind CsvParser: it cuts records out of decoded text with indexOf, which
// is far faster in V8 than a per-character loop; only a record that contains a quote goes
// through the character-level path. A record that does not end inside the text at hand is
// handed back to the caller, to be scanned again, whole, with more text: that keeps every
// chunk-boundary case (split quote pair, split CRLF, split record) on one code path.

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
/** scanRecord's answer when the record does not end inside the text at hand. */
const INCOMPLETE = -1;

export class CsvScanner extends CsvTextCursor {
  private readonly view = new CsvRecordView();
  /** Unescaped values of the current quoted record's fields that are no slice of the text. */
  private readonly escaped: string[] = [];
  /** Physical line the next text starts on. */
  line = 1;
  /** Times the scan gave up on an open quote and went back to the line after it. */
  resyncs = 0;
  /** The last text ended in CR: a LF starting the next one belongs to that line end. */
  private skipLF = false;
  /** Discarding an over-long record up to the next line end. */
  private skipping = false;
  private keepFrom = 0;
  // Left by an INCOMPLETE scan: line ends inside the record so far, and the quote still open.
  private recordLines = 0;
  private openQuotePos = -1;
  private openQuoteLines = 0;

  constructor(
    private readonly sink: CsvRecordSink,
    private readonly maxRecord: number,
  ) {
    super();
  }

  /** Nothing of a record is pending: the next text starts a record of its own. */
  atRecordStart(): boolean {
    return !this.skipLF && !this.skipping;
  }

  /**
   * Hands every record that ends in `text` to the sink. Returns where the unfinished record
   * that must be scanned again with more text starts (text.length when there is none).
   */
  scan(text: string, eof: boolean): number {
    const len = text.length;
    let pos = 0;
    this.resetPositions();
    this.keepFrom = len;
    if (this.skipLF && len > 0) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    if (this.skipping) pos = this.skipLine(text, pos, eof);
    while (pos < len) {
      const next = this.scanRecord(text, pos, eof);
      pos = next === INCOMPLETE ? this.resolveIncomplete(text, pos, eof) : next;
    }
    return this.keepFrom;
  }

  /** Handles a record that did not end in `text`: keeps it, or gives it up as a problem. */
  private resolveIncomplete(text: string, pos: number, eof: boolean): number {
    const len = text.length;
    const partial = len - pos;
    if (this.openQuotePos >= 0 && (eof || partial > this.maxRecord)) {
      // Resync right after the line where the quote opened: the lines that follow are far more
      // likely good records than the rest of one giant field.
      const quoteLine = this.line + this.openQuoteLines;
      const detail = eof ? '' : ` (no closing quote within ${this.maxRecord} bytes)`;
      this.sink.onProblem(
        this.line,
        `unterminated quote starting at line ${quoteLine}${detail}`,
        true,
      );
      this.line = quoteLine;
      this.resyncs++;
      // The scan went past the resync point: forget what it found ahead.
      this.resetPositions();
      const end = Math.min(
        this.lfFrom(text, this.openQuotePos),
        this.crFrom(text, this.openQuotePos),
      );
      if (end < len) return this.consumeLineEnd(text, end, eof);
      this.skipping = !eof;
      return len;
    }
    if (partial > this.maxRecord) {
      this.sink.onProblem(this.line, `record longer than ${this.maxRecord} bytes skipped`, true);
      this.line += this.recordLines;
      this.skipping = true;
      return len;
    }
    // eof cannot get here: at the end of input only an open quote leaves a record unfinished.
    this.keepFrom = pos;
    return len;
  }

  /** Discards up to and including the next line end. */
  private skipLine(text: string, pos: number, eof: boolean): number {
    const end = Math.min(this.lfFrom(text, pos), this.crFrom(text, pos));
    if (end >= text.length) return text.length;
    this.skipping = false;
    return this.consumeLineEnd(text, end, eof);
  }

  /** Counts the line end at `end` (LF, CRLF or lone CR) and returns the position after it. */
  private consumeLineEnd(text: string, end: number, eof: boolean): number {
    this.line++;
    const len = text.length;
    if (end >= len) return len;
    if (text.charCodeAt(end) !== CR) return end + 1;
    if (end + 1 < len) return text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    if (!eof) this.skipLF = true;
    return end + 1;
  }

  /** The fast path: a record without quotes is split with indexOf alone. */
  private scanRecord(text: string, pos: number, eof: boolean): number {
    const len = text.length;
    const lf = this.lfFrom(text, pos);
    const cr = this.crFrom(text, pos);
    const end = lf < cr ? lf : cr;
    if (this.quoteFrom(text, pos) < end) return this.scanQuotedRecord(text, pos, eof);
    if (end === len && !eof) {
      this.recordLines = 0;
      this.openQuotePos = -1;
      return INCOMPLETE;
    }
    const line = this.line;
    if (end === pos) return this.consumeLineEnd(text, end, eof); // blank lines carry no record
    if (end - pos > this.maxRecord) {
      this.sink.onProblem(line, `record longer than ${this.maxRecord} bytes skipped`, true);
      return this.consumeLineEnd(text, end, eof);
    }
    const view = this.view;
    let starts = view.starts;
    let ends = view.ends;
    let count = 0;
    let p = pos;
    for (;;) {
      if (count === starts.length) {
        view.grow();
        starts = view.starts;
        ends = view.ends;
      }
      const d = this.delimFrom(text, p);
      starts[count] = p;
      if (d >= end) {
        ends[count++] = end;
        break;
      }
      ends[count++] = d;
      p = d + 1;
    }
    view.text = text;
    view.count = count;
    view.line = line;
    view.quoted = false;
    view.rawText = text;
    view.rawStart = pos;
    // Unquoted: canonical unless the output's ',' occurs inside a field.
    view.rawEnd = this.delimCode === COMMA || this.commaFrom(text, pos) >= end ? end : -1;
    view.multiline = false;
    this.sink.onRecord(view);
    return this.consumeLineEnd(text, end, eof);
  }

  /** The character-level path for records with quotes (RFC 4180, lenient about stray quotes). */
  private scanQuotedRecord(text: string, pos: number, eof: boolean): number {
    const len = text.length;
    const view = this.view;
    const escaped = this.escaped;
    escaped.length = 0;
    let count = 0;
    let p = pos;
    let lines = 0;
    let note: string | null = null;
    // Whether the raw text is already the cleaned form: ',' between fields and quotes only
    // around fields that need them.
    let canonical = this.delimCode === COMMA;
    for (; ; count++) {
      if (count === view.starts.length) view.grow();
      let start = p;
      let value: string | null = null; // set when the field is no plain slice of the text
      // `a, "b, c"`: spaces before an opening quote are no part of the value, as most readers
      // (and people writing CSV by hand) expect.
      const quoteAt = skipSpaces(text, p, len);
      if (quoteAt > p && quoteAt < len && text.charCodeAt(quoteAt) === QUOTE) {
        canonical = false;
        p = quoteAt;
      }
      if (p < len && text.charCodeAt(p) === QUOTE) {
        const open = p;
        const openLines = lines;
        let q = p + 1;
        start = q;
        let hasLineEnd = false;
        for (;;) {
          const close = this.quoteFrom(text, q);
          if (this.lfFrom(text, q) < close || this.crFrom(text, q) < close) {
            lines += countLineEnds(text, q, close);
            hasLineEnd = true;
          }
          // A quote that ends the text may be the first of a doubled pair: wait for more.
          if (close >= len || (close + 1 === len && !eof)) {
            this.recordLines = lines;
            this.openQuotePos = open;
            this.openQuoteLines = openLines;
            return INCOMPLETE;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value = (value ?? '') + text.slice(q, close + 1);
            q = close + 2;
            continue;
          }
          if (value !== null) value += text.slice(q, close);
          p = close + 1;
          view.ends[count] = close;
          break;
        }
        // Quotes were needed if the value holds a quote (it was escaped), a line end or a comma.
        if (value === null && !hasLineEnd && this.delimFrom(text, start) >= p - 1) {
          canonical = false;
        }
        const stop = this.fieldEnd(text, p);
        if (stop > p && skipSpaces(text, p, stop) === stop) {
          canonical = false; // `"a" ,`: spaces after the closing quote go too
          p = stop;
        } else if (stop > p) {
          // `"a"b`: keep the text, as most readers do, but say so.
          note ??= `unexpected text after a closing quote in field ${count + 1}`;
          value = (value ?? text.slice(start, p - 1)) + text.slice(p, stop);
          p = stop;
        }
      } else {
        const stop = this.fieldEnd(text, p);
        if (this.quoteFrom(text, p) < stop) note ??= `stray quote in unquoted field ${count + 1}`;
        view.ends[count] = stop;
        p = stop;
      }
      if (value === null) {
        view.starts[count] = start;
      } else {
        view.starts[count] = -1 - escaped.length;
        escaped.push(value);
      }
      if (p >= len) {
        if (eof) break;
        this.recordLines = lines;
        this.openQuotePos = -1;
        return INCOMPLETE;
      }
      if (text.charCodeAt(p) !== this.delimCode) break;
      p++;
    }
    count++;
    const line = this.line;
    this.line += lines;
    if (p - pos > this.maxRecord) {
      this.sink.onProblem(line, `record longer than ${this.maxRecord} bytes skipped`, true);
    } else {
      if (note !== null) this.sink.onProblem(line, note, false);
      view.text = escaped.length === 0 ? text : this.unescapeInto(text, count);
      view.count = count;
      view.line = line;
      view.quoted = true;
      view.rawText = text;
      view.rawStart = pos;
      view.rawEnd = canonical && note === null ? p : -1;
      view.multiline = lines > 0;
      this.sink.onRecord(view);
    }
    return this.consumeLineEnd(text, p, eof);
  }

  /** Gathers the record's fields into one new text (offsets rewritten) when some were unescaped. */
  private unescapeInto(text: string, count: number): string {
    const { starts, ends } = this.view;
    let scratch = '';
    for (let k = 0; k < count; k++) {
      const start = starts[k] ?? 0;
      const value = start < 0 ? (this.escaped[-1 - start] ?? '') : text.slice(start, ends[k]);
      starts[k] = scratch.length;
      scratch += value;
      ends[k] = scratch.length;
    }
    return scratch;
  }
}
