import { type CsvBatchAnswer, CsvThreadPool } from './csv-thread-pool';
import { CsvPartTotals } from '@/lib/files/csv-profile-part';
import {
  INPUT_SLICE,
  measureProgressStep,
  OUTPUT_CHUNK,
  type CsvProfileOptions,
  type CsvSummary,
} from '@/lib/files/csv-profile';
import { CsvProfiler } from '@/lib/files/csv-profiler';

// profileCsv on several threads, with the same output. The input is cut into batches of whole
// lines; each batch is profiled on a thread on the guess that it starts at a record boundary,
// and the answers are taken in file order. A batch that did not end at a record boundary (a
// quoted field with a line end runs past it), and everything before the header is known, are
// profiled here in one pass instead, until a batch ends at a boundary again; the threads'
// answers for the batches in between are dropped. The main thread only cuts, merges and hands
// the cleaned text on, so the parse runs at about the speed of the threads together.

export interface CsvParallelOptions extends CsvProfileOptions {
  threads: number;
  /** Input per batch (a batch runs on to the end of its last line). Default 1 MiB. */
  batchBytes?: number;
}

export interface CsvParallelProfile {
  cleaned: AsyncIterable<Uint8Array | string>;
  summary(): CsvSummary;
}

const DEFAULT_BATCH_BYTES = 1024 * 1024;
const LF = 10;

interface Batch {
  bytes: Uint8Array;
  /** The thread's answer; null when the batch was read before the header was known. */
  answer: Promise<CsvBatchAnswer> | null;
}

/**
 * Cuts the input into whole-line batches. Each batch is a view at the start of an ArrayBuffer
 * of its own (it is transferred to a thread, and comes back): buffers handed back through
 * `recycle` are used again, so that the main thread, which allocates little else, does not pile
 * up dead batch buffers between its rare collections.
 */
class BatchCutter {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly batchBytes: number) {}

  recycle(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength >= 2 * this.batchBytes) {
      if (this.free.length < 8) this.free.push(buffer);
    }
  }

  async *cut(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let pieces: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of source) {
      pieces.push(chunk);
      length += chunk.byteLength;
      if (length < this.batchBytes) continue;
      const joined = this.join(pieces, length);
      let cut = joined.lastIndexOf(LF) + 1;
      // No line end yet: a long line. Wait for more, up to a bound (the parser skips it then).
      if (cut === 0 && length < 4 * this.batchBytes) {
        this.recycle(joined);
        continue;
      }
      if (cut === 0) cut = length;
      // The tail after the last line end goes into the next batch.
      pieces = cut < length ? [joined.slice(cut)] : [];
      length -= cut;
      yield joined.subarray(0, cut);
    }
    if (length > 0) yield this.join(pieces, length);
  }

  private join(pieces: Uint8Array[], length: number): Uint8Array {
    const index = this.free.findIndex((buffer) => buffer.byteLength >= length);
    const buffer =
      index >= 0
        ? this.free.splice(index, 1)[0]!
        : new ArrayBuffer(Math.max(length, 2 * this.batchBytes));
    const joined = new Uint8Array(buffer, 0, length);
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece, at);
      at += piece.byteLength;
    }
    return joined;
  }
}

export function profileCsvParallel(
  source: AsyncIterable<Uint8Array>,
  options: CsvParallelOptions,
): CsvParallelProfile {
  const { signal, onProgress, threads } = options;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const totals = new CsvPartTotals(options);
  const head = new CsvProfiler(options);
  let summary: CsvSummary | null = null;

  async function* runPipeline(): AsyncGenerator<Uint8Array | string> {
    const pool = new CsvThreadPool(threads);
    const cutter = new BatchCutter(batchBytes);
    const queue: Batch[] = [];
    // One pass here: the start of the file, or from a batch that was guessed wrong.
    let serial: CsvProfiler | null = head;
    let header: string[] | null = null;
    let delimiter = options.delimiter ?? ',';
    /** Physical line of the next batch taken, and input bytes before it. */
    let line = 1;
    let bytesDone = 0;
    const progressEvery = measureProgressStep(options.totalBytes);
    let progressAt = progressEvery;
    const reportProgress = (bytesRead: number, rows: number) => {
      if (!onProgress || bytesRead < progressAt) return;
      progressAt = bytesRead + progressEvery;
      onProgress({ bytesRead, rows });
    };

    function* profileHere(bytes: Uint8Array): Generator<string> {
      if (serial === null) {
        serial = new CsvProfiler(options, { header: header!, delimiter, startLine: line });
      }
      const profiler: CsvProfiler = serial;
      const parser = profiler.parser;
      for (let offset = 0; offset < bytes.byteLength; offset += INPUT_SLICE) {
        signal?.throwIfAborted();
        parser.push(bytes.subarray(offset, offset + INPUT_SLICE));
        if (profiler.outputLength() >= OUTPUT_CHUNK) yield profiler.takeOutput();
        reportProgress(bytesDone + parser.bytesRead, totals.rows + profiler.rows);
      }
      if (profiler.header !== null && parser.atRecordBoundary()) {
        yield* takeSerial();
      }
    }

    function* takeSerial(): Generator<string> {
      const profiler = serial!;
      if (profiler.outputLength() > 0) yield profiler.takeOutput();
      totals.add(profiler.toPart(), 0);
      header ??= profiler.header;
      delimiter = profiler.parser.detectedDelimiter ?? delimiter;
      line = profiler.parser.line;
      bytesDone += profiler.parser.bytesRead;
      serial = null;
    }

    async function* take(batch: Batch): AsyncGenerator<Uint8Array | string> {
      let bytes = batch.bytes;
      if (serial === null && batch.answer !== null) {
        const answer = await batch.answer;
        bytes = answer.bytes;
        const { result } = answer;
        if (result.complete) {
          totals.add(result.part, line - 1);
          line += result.lines;
          bytesDone += bytes.byteLength;
          cutter.recycle(bytes);
          if (result.cleaned.byteLength > 0) yield result.cleaned;
          reportProgress(bytesDone, totals.rows);
          return;
        }
      } else if (batch.answer !== null) {
        bytes = (await batch.answer).bytes;
      }
      yield* profileHere(bytes);
      cutter.recycle(bytes);
    }

    try {
      signal?.throwIfAborted();
      for await (const bytes of cutter.cut(source)) {
        signal?.throwIfAborted();
        const known = header !== null;
        const answer = known
          ? pool.run({ bytes, header: header!, delimiter, ...jobLimits(options) })
          : null;
        // Taken in order below; marked handled so that a pool closed early rejects quietly.
        answer?.catch(() => undefined);
        queue.push({ bytes: known ? new Uint8Array(0) : bytes, answer });
        // Up to two batches per thread in flight bounds memory at a few MiB.
        while (queue.length > 2 * threads || (queue.length > 0 && queue[0]!.answer === null)) {
          yield* take(queue.shift()!);
        }
      }
      while (queue.length > 0) yield* take(queue.shift()!);
      signal?.throwIfAborted();
      if (serial === null && header !== null) {
        serial = new CsvProfiler(options, { header, delimiter, startLine: line });
      }
      const last: CsvProfiler = serial ?? head;
      last.parser.end();
      if (last.outputLength() > 0) yield last.takeOutput();
      serial = last;
      if (last === head || header === null) {
        summary = head.summarize(head.parser.detectedDelimiter ?? delimiter, head.parser.bytesRead);
      } else {
        totals.add(last.toPart(), 0);
        bytesDone += last.parser.bytesRead;
        summary = totals.summarize(header, delimiter, bytesDone);
      }
      onProgress?.({ bytesRead: summary.bytes, rows: summary.rows });
    } finally {
      await pool.close();
    }
  }

  return {
    cleaned: runPipeline(),
    summary() {
      if (summary === null) throw new Error('CSV summary read before the cleaned output ended');
      return summary;
    },
  };
}

function jobLimits(options: CsvProfileOptions) {
  return {
    maxRecordBytes: options.maxRecordBytes,
    maxProblems: options.maxProblems,
    sampleRows: options.sampleRows,
  };
}
