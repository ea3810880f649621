import { type CsvDelimiter, DETECT_CHARS, DETECT_LINES, detectCsvDelimiter } from './csv-delimiter';
import { type CsvProblem, type CsvRecordSink } from './csv-record';
import { countLineEnds, CsvScanner } from './csv-scanner';

// A streaming RFC 4180 parser over UTF-8 byte chunks. Bytes are decoded with a streaming
// TextDecoder (it drops a BOM and joins multibyte characters split across chunks), the delimiter
// is detected from the first lines, and CsvScanner cuts records out of the decoded text.

export type { CsvDelimiter } from './csv-delimiter';
export { CsvRecordView, type CsvProblem, type CsvRecordSink } from './csv-record';

export interface CsvParserOptions {
  /** Detected from the first lines when not given. */
  delimiter?: CsvDelimiter;
  /** A longer record is skipped as a problem. Counted in decoded characters (= bytes for ASCII). */
  maxRecordBytes?: number;
  /** Physical line the input starts on (for a part of a file). Default 1. */
  startLine?: number;
  /** Keep a leading byte order mark as text: the input is a part of a file, not its start. */
  ignoreBOM?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export class CsvParser {
  bytesRead = 0;
  private readonly decoder: TextDecoder;
  private wholeDecoder: TextDecoder | null = null;
  private readonly scanner: CsvScanner;
  private delimiter: CsvDelimiter | undefined;
  /** Text not scanned yet: an unfinished record, or the sample before detection. */
  private parts: string[] = [];
  private partsLength = 0;
  /** Re-scan an unfinished record only once this much text is pending. */
  private waitFor = 0;
  private sampleLineEnds = 0;
  private ended = false;

  constructor(sink: CsvRecordSink, options: CsvParserOptions = {}) {
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: options.ignoreBOM === true });
    this.scanner = new CsvScanner(sink, options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
    if (options.startLine !== undefined) this.scanner.line = options.startLine;
    if (options.delimiter !== undefined) this.setDelimiter(options.delimiter);
  }

  /** The delimiter in use; undefined until detection has seen enough lines. */
  get detectedDelimiter(): CsvDelimiter | undefined {
    return this.delimiter;
  }

  /** Physical line the next input starts on. */
  get line(): number {
    return this.scanner.line;
  }

  /** Times an open quote was given up on and the scan went back (see CsvScanner). */
  get resyncs(): number {
    return this.scanner.resyncs;
  }

  /**
   * Whether the input so far ended exactly at the end of a record: nothing is pending, so what
   * follows can be parsed on its own, by a fresh parser starting at `line`. Only meaningful when
   * the last input ended with a complete character (as it does after a line feed).
   */
  atRecordBoundary(): boolean {
    return this.delimiter !== undefined && this.partsLength === 0 && this.scanner.atRecordStart();
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CsvParser.push() after end()');
    this.bytesRead += chunk.byteLength;
    this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /**
   * Like push, for input that ends with a whole character (a batch of whole lines) while no
   * character is pending from earlier input. Node decodes it without the streaming decoder's
   * intermediate UTF-16 buffer: a thread that decodes a 1 MiB batch at a time then leaves far
   * less freed native memory behind.
   */
  pushWhole(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CsvParser.pushWhole() after end()');
    this.bytesRead += chunk.byteLength;
    this.wholeDecoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
    this.pushText(this.wholeDecoder.decode(chunk));
  }

  private pushText(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    this.partsLength += text.length;
    if (this.delimiter === undefined) {
      this.sampleLineEnds += countLineEnds(text, 0, text.length);
      if (this.sampleLineEnds <= DETECT_LINES && this.partsLength < DETECT_CHARS) return;
      this.setDelimiter(detectCsvDelimiter(this.takePending(true), false));
    }
    if (this.partsLength < this.waitFor) return;
    this.scan(this.takePending(false), false);
  }

  /** Flushes the last record; the parser takes no more input. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.decoder.decode();
    if (tail.length > 0) this.parts.push(tail);
    if (this.delimiter === undefined) {
      this.setDelimiter(detectCsvDelimiter(this.takePending(true), true));
    }
    this.scan(this.takePending(false), true);
  }

  private setDelimiter(delimiter: CsvDelimiter): void {
    this.delimiter = delimiter;
    this.scanner.setDelimiter(delimiter);
  }

  private scan(text: string, eof: boolean): void {
    const keepFrom = this.scanner.scan(text, eof);
    const kept = text.length - keepFrom;
    // Scan the unfinished record again only once its text has doubled: linear time even when a
    // long record arrives in tiny chunks. The record cap bounds what is kept.
    this.parts = kept > 0 ? [keepFrom === 0 ? text : text.slice(keepFrom)] : [];
    this.partsLength = kept;
    this.waitFor = kept * 2;
  }

  private takePending(keep: boolean): string {
    const text = this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('');
    this.parts = keep ? [text] : [];
    this.partsLength = keep ? text.length : 0;
    return text;
  }
}

export interface CsvRecord {
  fields: string[];
  line: number;
}

export interface ParsedCsv {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
  problems: CsvProblem[];
}

/** Parses a whole (small) input held in memory: for previews and tests. */
export function parseCsvChunks(
  chunks: Iterable<Uint8Array>,
  options: CsvParserOptions = {},
): ParsedCsv {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const parser = new CsvParser(
    {
      onRecord: (record) => records.push({ fields: record.toArray(), line: record.line }),
      onProblem: (line, message) => problems.push({ line, message }),
    },
    options,
  );
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { delimiter: parser.detectedDelimiter ?? ',', records, problems };
}
