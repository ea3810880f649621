import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CsvBatchJob, CsvBatchResult } from '@/lib/files/csv-profile-part';

// A few threads that profile CSV batches (csv-thread.ts). Jobs queue here and go to the first
// idle thread; each answer carries the batch's input back (transferred), so the caller can redo
// a batch in one pass without having kept a copy.

export interface CsvBatchAnswer {
  result: CsvBatchResult;
  /** The job's input, handed back. */
  bytes: Uint8Array;
}

interface Pending {
  id: number;
  job: CsvBatchJob;
  resolve(answer: CsvBatchAnswer): void;
  reject(error: unknown): void;
}

interface ThreadReply {
  id: number;
  result?: CsvBatchResult;
  error?: unknown;
  bytes: Uint8Array;
}

/**
 * How to start a thread. From source (tsx, tests) the entry is csv-thread.ts beside this module,
 * loaded through tsx's loader, which a thread does not inherit; in the bundle it is
 * dist/csv-thread.mjs (this module may sit in dist/ or in dist/chunks/).
 */
function describeThread(): { entry: string; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    const entry = JSON.stringify(pathToFileURL(path.join(dir, 'csv-thread.ts')).href);
    const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
    return { entry: code, eval: true };
  }
  // Paths, not new URL(literal, import.meta.url): bundlers take that for an asset to resolve.
  const candidates = [path.join(dir, 'csv-thread.mjs'), path.join(dir, '..', 'csv-thread.mjs')];
  return { entry: candidates.find((file) => existsSync(file)) ?? candidates[0]!, eval: false };
}

/**
 * A thread holds little between batches, but left alone V8 lets its heap grow to well over
 * 100 MB of dead batch text before collecting: small limits keep the worker under its budget.
 */
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 };

export class CsvThreadPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failure: unknown = null;

  constructor(size: number) {
    const thread = describeThread();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(thread.entry, { eval: thread.eval, resourceLimits: HEAP_LIMITS });
      worker.on('message', (reply: ThreadReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.busy.has(worker)) this.fail(new Error(`CSV thread exited with code ${code}`));
      });
      this.idle.push(worker);
    }
  }

  run(job: CsvBatchJob): Promise<CsvBatchAnswer> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.fail(new Error('CSV thread pool closed'));
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      const { bytes } = pending.job;
      worker.postMessage({ id: pending.id, job: pending.job }, [bytes.buffer as ArrayBuffer]);
    }
  }

  private settle(worker: Worker, reply: ThreadReply): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    this.idle.push(worker);
    if (pending !== undefined && pending.id === reply.id) {
      if (reply.result === undefined) pending.reject(reply.error);
      else pending.resolve({ result: reply.result, bytes: reply.bytes });
    }
    this.dispatch();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const pending of [...this.queue, ...this.busy.values()]) pending.reject(error);
    this.queue.length = 0;
    this.busy.clear();
  }
}
