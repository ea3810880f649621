import { ColumnStats } from './csv-column-stats';
import { type CsvDelimiter } from './csv-delimiter';
import { type CsvProblem } from './csv-record';
import { composeSummary, type CsvPart, CsvProfiler } from './csv-profiler';
import type { CsvProfileOptions, CsvSummary } from './csv-profile';

// Profiling a CSV in parts: a batch of whole lines is profiled on its own (on another thread),
// on the guess that it starts at a record boundary; the parts, merged in file order, give the
// figures one pass over the file gives. A batch reports whether it ended at a record boundary
// itself (no quoted field running on past it), which is what makes the next batch's guess
// right; the caller redoes a batch in one pass when the guess turns out wrong.

export type { CsvPart } from './csv-profiler';

export interface CsvBatchJob {
  /** Whole lines (it ends with a line feed), from a record boundary on, as far as known. */
  bytes: Uint8Array;
  header: string[];
  delimiter: CsvDelimiter;
  maxRecordBytes?: number;
  maxProblems?: number;
  sampleRows?: number;
}

export interface CsvBatchResult {
  /** The batch ended at a record boundary and its records parsed as one pass would. */
  complete: boolean;
  /** Physical lines the batch covered. */
  lines: number;
  part: CsvPart;
  /** The cleaned text of the batch, UTF-8. */
  cleaned: Uint8Array;
}

const encoder = new TextEncoder();

export function profileCsvBatch(job: CsvBatchJob): CsvBatchResult {
  const { header, delimiter } = job;
  const profiler = new CsvProfiler(job, { header, delimiter, startLine: 1 });
  const parser = profiler.parser;
  parser.pushWhole(job.bytes);
  // A resync reports an absolute line number in its message: leave it to the one-pass redo.
  const complete = parser.atRecordBoundary() && parser.resyncs === 0;
  return {
    complete,
    lines: parser.line - 1,
    part: profiler.toPart(),
    cleaned: encoder.encode(profiler.takeOutput()),
  };
}

/** The figures of a file's parts, added up in file order. */
export class CsvPartTotals {
  rows = 0;
  validRows = 0;
  invalidRows = 0;
  problemCount = 0;
  readonly problems: CsvProblem[] = [];
  readonly sample: string[][] = [];
  private columns: ColumnStats[] | null = null;
  private readonly maxProblems: number;
  private readonly sampleRows: number;

  constructor(options: CsvProfileOptions) {
    this.maxProblems = options.maxProblems ?? 100;
    this.sampleRows = options.sampleRows ?? 20;
  }

  /** Adds the part that follows the ones added so far; its lines are shifted by `lineOffset`. */
  add(part: CsvPart, lineOffset: number): void {
    this.rows += part.rows;
    this.validRows += part.validRows;
    this.invalidRows += part.invalidRows;
    this.problemCount += part.problemCount;
    for (const problem of part.problems) {
      if (this.problems.length >= this.maxProblems) break;
      this.problems.push({ line: problem.line + lineOffset, message: problem.message });
    }
    for (const row of part.sample) {
      if (this.sample.length >= this.sampleRows) break;
      this.sample.push(row);
    }
    if (this.columns === null) {
      this.columns = part.columns.map((state) => new ColumnStats(state.name));
    }
    const columns = this.columns;
    part.columns.forEach((state, k) => columns[k]!.merge(state));
  }

  summarize(header: string[], delimiter: CsvDelimiter, bytes: number): CsvSummary {
    const columns = this.columns ?? header.map((name) => new ColumnStats(name));
    return composeSummary(this, delimiter, header, columns, bytes);
  }
}
