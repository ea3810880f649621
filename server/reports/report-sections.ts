// A report is built in sections (one query, or writing the file). Each section says what it is
// doing before it starts, moves the bar when it ends, and leaves a line in the task's log, so a
// user watching a long report sees where it is and a cancel lands between two queries.

/** Progress never reaches 100 here: the runner reports that once the task has succeeded. */
const LAST_PROGRESS = 99;

/** Reports progress inside a section: `fraction` of it done (0..1), with what was just done. */
export type SectionStep = (fraction: number, detail: string) => void;

export interface SectionRunner {
  readonly signal: AbortSignal;
  /**
   * Runs the next section; `describe` turns its result into the log line. Throws the abort
   * reason if the task was cancelled before it starts or at one of its steps.
   */
  run<T>(
    title: string,
    work: (step: SectionStep) => Promise<T>,
    describe: (result: T) => string,
  ): Promise<T>;
}

export interface SectionRunnerOptions {
  /** Prefixes every message, e.g. "Failures". */
  label: string;
  /** How many sections the report has, the file writing included. */
  total: number;
  signal: AbortSignal;
  reportProgress(progress: number, message?: string): void;
  log(message: string): void;
}

export function createSectionRunner(options: SectionRunnerOptions): SectionRunner {
  const { label, total, signal, reportProgress, log } = options;
  let index = 0;
  const progressAt = (done: number) => (Math.min(done, total) / total) * LAST_PROGRESS;

  return {
    signal,
    async run(title, work, describe) {
      signal.throwIfAborted();
      const position = `(${index + 1} of ${total})`;
      const start = index;
      reportProgress(progressAt(start), `${label}: ${title} ${position}`);
      const step: SectionStep = (fraction, detail) => {
        signal.throwIfAborted();
        const clamped = Math.min(1, Math.max(0, fraction));
        reportProgress(progressAt(start + clamped), `${label}: ${title}, ${detail} ${position}`);
      };
      const result = await work(step);
      index += 1;
      reportProgress(progressAt(index));
      log(`${label}: ${describe(result)}`);
      return result;
    },
  };
}
