import { type CsvColumnSummary } from './csv-column-stats';
import { type CsvDelimiter } from './csv-delimiter';
import { type CsvProblem } from './csv-record';
import { CsvProfiler } from './csv-profiler';

// The file.process pipeline for CSV: one pass over the upload that parses it, profiles every
// column and writes a cleaned copy. It is pull-based: nothing is read from `source` until the
// caller iterates `cleaned`, so writing the cleaned copy to storage paces the whole pass and
// memory stays at a few chunks whatever the file size.

export type { CsvColumnSummary, CsvColumnType } from './csv-column-stats';
export type { CsvDelimiter } from './csv-delimiter';
export type { CsvProblem } from './csv-record';
export { nameColumns } from './csv-profiler';

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
export const INPUT_SLICE = 64 * 1024;
export const OUTPUT_CHUNK = 64 * 1024;
const MIN_PROGRESS_BYTES = 64 * 1024;
const MAX_PROGRESS_BYTES = 1024 * 1024;
const DEFAULT_PROGRESS_BYTES = 256 * 1024;

/** Input bytes between progress reports: about 1 % of the input, within bounds. */
export function measureProgressStep(totalBytes: number | undefined): number {
  return totalBytes === undefined
    ? DEFAULT_PROGRESS_BYTES
    : Math.min(MAX_PROGRESS_BYTES, Math.max(MIN_PROGRESS_BYTES, totalBytes / 100));
}

export function profileCsv(
  source: AsyncIterable<Uint8Array>,
  options: CsvProfileOptions = {},
): CsvProfile {
  const profiler = new CsvProfiler(options);
  const parser = profiler.parser;
  let summary: CsvSummary | null = null;

  async function* runPipeline(): AsyncGenerator<string> {
    const { signal, onProgress } = options;
    const progressEvery = measureProgressStep(options.totalBytes);
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
