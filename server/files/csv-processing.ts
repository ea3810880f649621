import { getEnv } from '@/lib/env';
import { deriveOutputName } from '@/lib/files/safe-name';
import { profileCsv, type CsvProfileOptions } from '@/lib/files/csv-profile';
import { profileCsvParallel } from './csv-parallel-profile';
import type { TaskFile } from '@/lib/generated/prisma/client';
import type { TaskContext, TaskFileOutput, TaskOutput } from '@/server/tasks/task-type';

/** Progress reports at most this often, however fast the parse runs. */
const PROGRESS_INTERVAL_MS = 200;
/** Smaller files are profiled on the worker's own thread: starting threads costs ~100 ms. */
const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

interface CsvProcessingInput extends Pick<
  TaskContext<unknown>,
  'storage' | 'signal' | 'reportProgress' | 'log'
> {
  input: TaskFile;
  outputPrefix: string;
  displayName: string;
}

/**
 * Streams the uploaded CSV through the profiler once: the cleaned CSV is written to storage as
 * it is produced (backpressure from the disk paces the parse), then the summary as JSON.
 * Memory stays flat whatever the file's size.
 */
export async function processCsvFile(options: CsvProcessingInput): Promise<TaskOutput> {
  const { storage, signal, reportProgress, log, input, outputPrefix, displayName } = options;
  const { stream, size } = await storage.read(input.storageKey);
  let lastReport = 0;
  // Profiling threads (the main thread then only cuts batches, merges and writes).
  const threads = getEnv().CSV_PROFILE_THREADS;
  const profileOptions: CsvProfileOptions = {
    totalBytes: size,
    signal,
    onProgress: ({ bytesRead, rows }) => {
      const now = Date.now();
      if (now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      reportProgress(
        (bytesRead / Math.max(1, size)) * 98,
        `Read ${formatMiB(bytesRead)} of ${formatMiB(size)} (${rows.toLocaleString('en')} rows)`,
      );
    },
  };
  const bytes = stream as AsyncIterable<Uint8Array>;
  const profile =
    threads >= 1 && size >= PARALLEL_MIN_BYTES
      ? profileCsvParallel(bytes, { ...profileOptions, threads })
      : profileCsv(bytes, profileOptions);
  const started = performance.now();
  let cleaned;
  try {
    cleaned = await storage.write(`${outputPrefix}/cleaned.csv`, profile.cleaned);
  } finally {
    stream.destroy();
  }
  const summary = profile.summary();
  const seconds = (performance.now() - started) / 1000;
  log(
    `Parsed ${summary.rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s ` +
      `(${(size / 1024 / 1024 / Math.max(seconds, 0.001)).toFixed(1)} MiB/s).`,
  );
  if (summary.problemCount > 0) {
    log(
      `${summary.problemCount} problem(s) found; ${summary.invalidRows} row(s) left out of the cleaned file.`,
      'warn',
    );
  }
  const summaryJson = JSON.stringify(summary, null, 2);
  const summaryFile = await storage.write(`${outputPrefix}/summary.json`, [summaryJson]);
  reportProgress(100, `Profiled ${summary.columns.length} columns`);

  const files: TaskFileOutput[] = [
    {
      key: cleaned.key,
      name: deriveOutputName(displayName, 'cleaned', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      size: cleaned.size,
      sha256: cleaned.sha256,
      kind: 'cleaned-csv',
    },
    {
      key: summaryFile.key,
      name: deriveOutputName(displayName, 'summary', 'json'),
      contentType: 'application/json',
      size: summaryFile.size,
      sha256: summaryFile.sha256,
      kind: 'csv-summary',
    },
  ];
  return {
    result: {
      kind: 'csv',
      rows: summary.rows,
      validRows: summary.validRows,
      invalidRows: summary.invalidRows,
      problemCount: summary.problemCount,
      columns: summary.columns.length,
      delimiter: summary.delimiter,
      bytesPerSecond: Math.round(size / Math.max(seconds, 0.001)),
    },
    files,
  };
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
