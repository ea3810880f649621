import { ColumnStats, type CsvColumnSummary } from './csv-column-stats';
import { type CsvDelimiter } from './csv-delimiter';
import { CsvParser } from './csv-parser';
import { CleanCsvWriter } from './csv-clean-writer';
import { type CsvProblem, type CsvRecordSink, type CsvRecordView } from './csv-record';
import { skipSpaceBackward, skipSpaceForward } from './csv-value';

// The file.process pipeline for CSV: one pass over the upload that parses it, profiles every
// column and writes a cleaned copy. It is pull-based: nothing is read from `source` until the
// caller iterates `cleaned`, so writing the cleaned copy to storage paces the whole pass and
// memory stays at a few chunks whatever the file size.

export type { CsvColumnSummary, CsvColumnType } from './csv-column-stats';
export type { CsvDelimiter } from './csv-delimiter';
export type { CsvProblem } from './csv-record';

export interface CsvProgress {
  bytesRead: number;
  rows: number;
}

export interface CsvProfileOptions {
  /** Size of the input when known; paces progress reports (about every 1 %). */
  totalBytes?: number;
  /** Checked between chunks; an abort throws signal.reason out of the iteration. */
  signal?: AbortSignal;
  /** Called every 64 KiB to 1 MiB of input (256 KiB without totalBytes), and once at the end. */
  onProgress?(progress: CsvProgress): void;
  /** Problems kept in the summary (all are counted). Default 100. */
  maxProblems?: number;
  /** Longer records are skipped as problems. Default 1 MiB (of decoded text: = bytes for ASCII). */
  maxRecordBytes?: number;
  /** Cleaned data rows kept for a preview. Default 20. */
  sampleRows?: number;
  /** Detected from the first lines when not given. */
  delimiter?: CsvDelimiter;
}

export interface CsvSummary {
  delimiter: CsvDelimiter;
  /** Column names as written to the cleaned file (blanks and duplicates renamed). */
  header: string[];
  columns: CsvColumnSummary[];
  /** Data records seen (after the header), skipped ones included. */
  rows: number;
  validRows: number;
  /** Records left out of the cleaned file: wrong field count, too long, unterminated quote. */
  invalidRows: number;
  problemCount: number;
  /** The first maxProblems problems, in file order. */
  problems: CsvProblem[];
  bytes: number;
  /** The first sampleRows cleaned data rows. */
  sample: string[][];
}

export interface CsvProfile {
  /** The cleaned CSV in chunks of about 64 KiB: iterate it to run the pipeline. */
  cleaned: AsyncIterable<string>;
  /** Complete once `cleaned` has been iterated to its end; throws before that. */
  summary(): CsvSummary;
}

/** Input is fed to the parser in pieces of this size, which also bounds each output chunk. */
const INPUT_SLICE = 64 * 1024;
const OUTPUT_CHUNK = 64 * 1024;
const MIN_PROGRESS_BYTES = 64 * 1024;
const MAX_PROGRESS_BYTES = 1024 * 1024;
const DEFAULT_PROGRESS_BYTES = 256 * 1024;

export function profileCsv(
  source: AsyncIterable<Uint8Array>,
  options: CsvProfileOptions = {},
): CsvProfile {
  const profiler = new CsvProfiler(options);
  const parser = profiler.parser;
  let summary: CsvSummary | null = null;

  async function* runPipeline(): AsyncGenerator<string> {
    const { signal, onProgress } = options;
    const progressEvery =
      options.totalBytes === undefined
        ? DEFAULT_PROGRESS_BYTES
        : Math.min(MAX_PROGRESS_BYTES, Math.max(MIN_PROGRESS_BYTES, options.totalBytes / 100));
    let progressAt = progressEvery;
    signal?.throwIfAborted();
    for await (const chunk of source) {
      for (let offset = 0; offset < chunk.byteLength; offset += INPUT_SLICE) {
        signal?.throwIfAborted();
        const slice =
          offset === 0 && chunk.byteLength <= INPUT_SLICE
            ? chunk
            : chunk.subarray(offset, offset + INPUT_SLICE);
        parser.push(slice);
        if (profiler.outputLength() >= OUTPUT_CHUNK) yield profiler.takeOutput();
        if (onProgress && parser.bytesRead >= progressAt) {
          progressAt = parser.bytesRead + progressEvery;
          onProgress({ bytesRead: parser.bytesRead, rows: profiler.rows });
        }
      }
    }
    signal?.throwIfAborted();
    parser.end();
    if (profiler.outputLength() > 0) yield profiler.takeOutput();
    summary = profiler.summarize(parser.detectedDelimiter ?? ',', parser.bytesRead);
    onProgress?.({ bytesRead: parser.bytesRead, rows: profiler.rows });
  }

  return {
    cleaned: runPipeline(),
    summary() {
      if (summary === null) throw new Error('CSV summary read before the cleaned output ended');
      return summary;
    },
  };
}

class CsvProfiler implements CsvRecordSink {
  rows = 0;
  readonly parser: CsvParser;
  /** Made once the header is read (the delimiter is known by then). */
  private writer: CleanCsvWriter | null = null;
  private readonly maxProblems: number;
  private readonly sampleRows: number;
  private header: string[] | null = null;
  private columns: ColumnStats[] = [];
  private validRows = 0;
  private invalidRows = 0;
  private problemCount = 0;
  private readonly problems: CsvProblem[] = [];
  private readonly sample: string[][] = [];

  constructor(options: CsvProfileOptions) {
    this.maxProblems = options.maxProblems ?? 100;
    this.sampleRows = options.sampleRows ?? 20;
    this.parser = new CsvParser(this, {
      delimiter: options.delimiter,
      maxRecordBytes: options.maxRecordBytes,
    });
  }

  onRecord(record: CsvRecordView): void {
    if (this.header === null) {
      this.setHeader(record.toArray());
      return;
    }
    this.rows++;
    const columns = this.columns;
    const count = record.count;
    if (count !== columns.length) {
      this.invalidRows++;
      this.addProblem(record.line, `expected ${columns.length} fields, found ${count}`);
      return;
    }
    this.validRows++;
    const { text, starts, ends } = record;
    let trimmed = false;
    for (let k = 0; k < count; k++) {
      const rawStart = starts[k]!;
      const rawEnd = ends[k]!;
      const start = skipSpaceForward(text, rawStart, rawEnd);
      const end = skipSpaceBackward(text, start, rawEnd);
      if (start !== rawStart || end !== rawEnd) {
        starts[k] = start;
        ends[k] = end;
        trimmed = true;
      }
      columns[k]!.add(text, start, end);
    }
    if (this.sample.length < this.sampleRows) this.sample.push(record.toArray());
    this.writer?.writeRecord(record, trimmed);
  }

  onProblem(line: number, message: string, dropped: boolean): void {
    if (dropped && this.header !== null) {
      this.rows++;
      this.invalidRows++;
    }
    this.addProblem(line, message);
  }

  outputLength(): number {
    return this.writer?.length ?? 0;
  }

  takeOutput(): string {
    return this.writer?.take() ?? '';
  }

  summarize(delimiter: CsvDelimiter, bytes: number): CsvSummary {
    return {
      delimiter,
      header: this.header ?? [],
      columns: this.columns.map((column) => column.summarize()),
      rows: this.rows,
      validRows: this.validRows,
      invalidRows: this.invalidRows,
      problemCount: this.problemCount,
      problems: this.problems,
      bytes,
      sample: this.sample,
    };
  }

  private setHeader(fields: string[]): void {
    const header = nameColumns(fields.map((name) => name.trim()));
    this.header = header;
    this.columns = header.map((name) => new ColumnStats(name));
    this.writer = new CleanCsvWriter(this.parser.detectedDelimiter ?? ',');
    this.writer.writeHeader(header);
  }

  private addProblem(line: number, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push({ line, message });
  }
}

/** Blank names become column_N (1-based position); repeats become name_2, name_3, ... */
export function nameColumns(raw: readonly string[]): string[] {
  const given = new Set(raw);
  const used = new Set<string>();
  return raw.map((name, i) => {
    const base = name === '' ? `column_${i + 1}` : name;
    let candidate = base;
    // A generated name must not take one the file itself uses later.
    for (let n = 2; used.has(candidate) || (candidate !== base && given.has(candidate)); n++) {
      candidate = `${base}_${n}`;
    }
    used.add(candidate);
    return candidate;
  });
}
