import { type ColumnState, ColumnStats } from './csv-column-stats';
import { type CsvDelimiter } from './csv-delimiter';
import { CsvParser } from './csv-parser';
import { CleanCsvWriter } from './csv-clean-writer';
import { type CsvProblem, type CsvRecordSink, type CsvRecordView } from './csv-record';
import { skipSpaceBackward, skipSpaceForward } from './csv-value';
import type { CsvProfileOptions, CsvSummary } from './csv-profile';

// The record sink of the CSV pipeline: column statistics, problems, sample rows and the cleaned
// text of the records its parser hands it. One profiler may also cover just a part of a file
// (given the header and delimiter the start of the file settled): its figures come out as a
// CsvPart, and parts merged in file order give the figures of one pass (csv-profile-part.ts).

/** What a profiler of a part of a file is told about the whole. */
export interface CsvPartStart {
  header: string[];
  delimiter: CsvDelimiter;
  /** Physical line the part starts on. */
  startLine: number;
}

/** The figures of a part of a file, as plain data (it crosses threads). */
export interface CsvPart {
  rows: number;
  validRows: number;
  invalidRows: number;
  problemCount: number;
  /** The part's first maxProblems problems; lines are counted from the part's startLine. */
  problems: CsvProblem[];
  sample: string[][];
  columns: ColumnState[];
}

export class CsvProfiler implements CsvRecordSink {
  rows = 0;
  readonly parser: CsvParser;
  /** Made once the header is read (the delimiter is known by then). */
  private writer: CleanCsvWriter | null = null;
  private readonly maxProblems: number;
  private readonly sampleRows: number;
  header: string[] | null = null;
  private columns: ColumnStats[] = [];
  private validRows = 0;
  private invalidRows = 0;
  private problemCount = 0;
  private readonly problems: CsvProblem[] = [];
  private readonly sample: string[][] = [];

  constructor(options: CsvProfileOptions, part?: CsvPartStart) {
    this.maxProblems = options.maxProblems ?? 100;
    this.sampleRows = options.sampleRows ?? 20;
    this.parser = new CsvParser(this, {
      delimiter: part?.delimiter ?? options.delimiter,
      maxRecordBytes: options.maxRecordBytes,
      startLine: part?.startLine,
      ignoreBOM: part !== undefined,
    });
    if (part !== undefined) {
      this.header = part.header;
      this.columns = part.header.map((name) => new ColumnStats(name));
      this.writer = new CleanCsvWriter(part.delimiter);
    }
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
    return composeSummary(this.toPart(), delimiter, this.header ?? [], this.columns, bytes);
  }

  /** The figures so far, as one part of a file. */
  toPart(): CsvPart {
    return {
      rows: this.rows,
      validRows: this.validRows,
      invalidRows: this.invalidRows,
      problemCount: this.problemCount,
      problems: this.problems,
      sample: this.sample,
      columns: this.columns.map((column) => column.toState()),
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

/** The summary of a whole file from its figures (of one part, or of parts merged). */
export function composeSummary(
  figures: Omit<CsvPart, 'columns'>,
  delimiter: CsvDelimiter,
  header: string[],
  columns: readonly ColumnStats[],
  bytes: number,
): CsvSummary {
  const { rows, validRows, invalidRows, problemCount, problems, sample } = figures;
  return {
    delimiter,
    header,
    columns: columns.map((column) => column.summarize()),
    rows,
    validRows,
    invalidRows,
    problemCount,
    problems,
    bytes,
    sample,
  };
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
