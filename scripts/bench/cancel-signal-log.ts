import type { BenchProcess } from './bench-process';
import { BenchSetupError } from './bench-script';

// The worker's 'cancel signal fired' log lines, by task: the moment the processor's AbortSignal
// fired is only known inside the worker, which logs it (server/attempts/running-attempts.ts).

export interface CancelSignal {
  taskId: string;
  /** Date.now() in the web process when it took the cancel request. */
  requestedAt: number;
  /** nowMs() in the worker right after aborting the processor's signal. */
  signalledAt: number;
}

const SIGNAL_MESSAGE = 'cancel signal fired';

function parseSignalLine(line: string): CancelSignal | null {
  // Cheap test first: the worker writes a JSON line per log call, most of them not ours.
  if (!line.includes(SIGNAL_MESSAGE)) return null;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const { msg, taskId, requestedAt, signalledAt } = entry;
    if (
      msg !== SIGNAL_MESSAGE ||
      typeof taskId !== 'string' ||
      typeof requestedAt !== 'number' ||
      typeof signalledAt !== 'number'
    ) {
      return null;
    }
    return { taskId, requestedAt, signalledAt };
  } catch {
    return null;
  }
}

type Waiter = { resolve: (signal: CancelSignal) => void };

export class CancelSignalLog {
  private readonly byTask = new Map<string, CancelSignal>();
  /** More than one line for a task would mean its signal fired twice. */
  private readonly repeated = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly unsubscribe: () => void;

  constructor(worker: BenchProcess) {
    this.unsubscribe = worker.addLineListener((line) => {
      const signal = parseSignalLine(line);
      if (!signal) return;
      if (this.byTask.has(signal.taskId)) this.repeated.add(signal.taskId);
      else this.byTask.set(signal.taskId, signal);
      this.waiters.get(signal.taskId)?.resolve(signal);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  firedTwice(taskId: string): boolean {
    return this.repeated.has(taskId);
  }

  forget(taskId: string): void {
    this.byTask.delete(taskId);
    this.repeated.delete(taskId);
  }

  /** The task's signal line, already read or still to come. */
  waitFor(taskId: string, timeoutMs: number): Promise<CancelSignal> {
    const seen = this.byTask.get(taskId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(taskId);
        reject(
          new BenchSetupError(`no 'cancel signal fired' line for ${taskId} in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiters.set(taskId, {
        resolve: (signal) => {
          clearTimeout(timer);
          this.waiters.delete(taskId);
          resolve(signal);
        },
      });
    });
  }
}
