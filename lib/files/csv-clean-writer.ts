import { type CsvDelimiter } from './csv-delimiter';
import { type CsvRecordView } from './csv-record';
import { needsQuoting, quoteField } from './csv-value';

// Builds the cleaned CSV text: ',' between fields, '\n' after each record, RFC 4180 quotes only
// where needed. In a tidy file most records already have that form (at most with another
// delimiter or CRLF), so runs of them are copied from the input text as one slice and fixed up
// with a native replaceAll, instead of being rebuilt field by field.

const LF = 10;
const CR = 13;

export class CleanCsvWriter {
  private out = '';
  private runText = '';
  private runStart = 0;
  private runEnd = 0;
  /** The run's records end in CRLF (and hold no line end inside, so all can become LF). */
  private runCRLF = false;

  constructor(private readonly delimiter: CsvDelimiter) {}

  /** Text waiting to be taken. */
  get length(): number {
    return this.out.length + this.runEnd - this.runStart;
  }

  take(): string {
    this.flushRun();
    const out = this.out;
    this.out = '';
    return out;
  }

  writeHeader(names: readonly string[]): void {
    const quote = (name: string) => (needsQuoting(name, 0, name.length) ? quoteField(name) : name);
    this.out += names.map(quote).join(',') + '\n';
  }

  /** Writes the record's fields as they are in the view; `trimmed` if they differ from its raw text. */
  writeRecord(record: CsvRecordView, trimmed: boolean): void {
    if (!trimmed && record.rawEnd >= 0) {
      const { rawText, rawStart, rawEnd } = record;
      const next = rawText.charCodeAt(rawEnd);
      if (next === LF) return this.extendRun(rawText, rawStart, rawEnd + 1, false);
      if (next === CR && rawText.charCodeAt(rawEnd + 1) === LF && !record.multiline) {
        return this.extendRun(rawText, rawStart, rawEnd + 2, true);
      }
      this.flushRun();
      this.out += this.fixDelimiter(rawText.slice(rawStart, rawEnd)) + '\n';
      return;
    }
    this.flushRun();
    // An unquoted record read with ',' as delimiter cannot hold a comma, quote or line end.
    const clean = !record.quoted && this.delimiter === ',';
    const { text, starts, ends, count } = record;
    let out = this.out;
    for (let k = 0; k < count; k++) {
      const start = starts[k]!;
      const end = ends[k]!;
      const value = text.slice(start, end);
      if (k > 0) out += ',';
      out += clean || !needsQuoting(text, start, end) ? value : quoteField(value);
    }
    this.out = out + '\n';
  }

  private extendRun(text: string, start: number, end: number, crlf: boolean): void {
    if (start !== this.runEnd || text !== this.runText || crlf !== this.runCRLF) {
      this.flushRun();
      this.runText = text;
      this.runStart = start;
      this.runCRLF = crlf;
    }
    this.runEnd = end;
  }

  private flushRun(): void {
    if (this.runEnd > this.runStart) {
      const run = this.runText.slice(this.runStart, this.runEnd);
      this.out += this.fixDelimiter(this.runCRLF ? run.replaceAll('\r\n', '\n') : run);
    }
    this.runText = '';
    this.runStart = this.runEnd = 0;
  }

  /** Raw text handed over as canonical holds delimiters only between fields. */
  private fixDelimiter(raw: string): string {
    return this.delimiter === ',' ? raw : raw.replaceAll(this.delimiter, ',');
  }
}
