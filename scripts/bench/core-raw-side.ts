import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { spawnEntry, type BenchProcess } from './bench-process';
import { BenchSetupError } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';
import type { CoreChildren } from './core-children';
import type { CoreMeter } from './core-counters';
import { PHASE_TIMEOUT_MS, type CoreOptions, type SideRun } from './core-types';
import { addRawJob, drive } from './create-throughput';

// The raw BullMQ side of the core-path benchmark: `queue.add` from this process with the job
// options Taskdeck uses, and a bare BullMQ worker in a child process of its own (as Taskdeck's
// worker is) with a no-op processor at the diagnostics queue's concurrency. Every phase uses a
// fresh bench-raw-* queue under the bench prefix and obliterates it (only it) afterwards.

const START_TIMEOUT_MS = 30_000;

export interface RawRun {
  /** Date.now() in the child as its Worker started taking jobs. */
  startedAt: number;
  /** Date.now() in the child as the expected number of jobs had completed. */
  done: Promise<number>;
  /** The Worker is closed: the child is ready for the next command. */
  closed: Promise<void>;
}

/** The persistent bare-worker child: one Worker at a time, started and closed by command. */
export class RawWorker {
  private constructor(readonly proc: BenchProcess) {}

  static async spawn(children: CoreChildren): Promise<RawWorker> {
    const proc = spawnEntry('raw-worker', children.rawWorkerEntry, {}, { stdin: true });
    if (!proc.child.pid) throw new BenchSetupError('could not start the raw worker child');
    return new RawWorker(proc);
  }

  get pid(): number {
    return this.proc.child.pid ?? Number.NaN;
  }

  async run(queue: string, concurrency: number, expect: number): Promise<RawRun> {
    const started = this.proc.waitForLine(/^RAW_STARTED (\d+)$/, START_TIMEOUT_MS);
    const done = this.proc.waitForLine(/^RAW_DONE (\d+)$/, PHASE_TIMEOUT_MS);
    const closed = this.proc.waitForLine(/^RAW_CLOSED$/, PHASE_TIMEOUT_MS);
    // Only one settles as an error if the child dies; the others must not go unhandled.
    done.catch(() => undefined);
    closed.catch(() => undefined);
    this.proc.child.stdin?.write(`${JSON.stringify({ queue, concurrency, expect })}\n`);
    const [, startedAt] = await started;
    return {
      startedAt: Number(startedAt),
      done: done.then(([, at]) => Number(at)),
      closed: closed.then(() => undefined),
    };
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}

/** Bare BullMQ workers sitting idle, for memory: one process with `queues` Workers. */
export async function spawnIdleRawWorkers(
  children: CoreChildren,
  queues: number,
): Promise<{ proc: BenchProcess; queueNames: string[] }> {
  const queueNames = Array.from({ length: queues }, () => newRawQueueName('idle'));
  const proc = spawnEntry(`raw-idle-${queues}`, children.rawWorkerEntry, {
    BENCH_RAW_IDLE_QUEUES: queueNames.join(','),
  });
  await proc.waitForLine(/^RAW_IDLE$/, START_TIMEOUT_MS);
  return { proc, queueNames };
}

function newRawQueueName(kind = ''): string {
  return `bench-raw-${kind ? `${kind}-` : ''}${randomUUID().slice(0, 8)}`;
}

function openRawQueue(redis: Redis, name: string): Queue {
  return new Queue(name, { connection: redis, prefix: BENCH_SETTINGS.QUEUE_PREFIX });
}

/** Removes queues this benchmark made; never anything else (the names are ours). */
export async function obliterateRawQueues(redis: Redis, names: string[]): Promise<void> {
  for (const name of names) {
    if (!name.startsWith('bench-raw-')) throw new Error(`not a raw bench queue: ${name}`);
    const queue = openRawQueue(redis, name);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export interface RawContext {
  redis: Redis;
  meter: CoreMeter;
  worker: RawWorker;
  /** The diagnostics queue's concurrency, which Taskdeck's worker runs at. */
  concurrency: number;
  options: CoreOptions;
}

async function withRawQueue<T>(redis: Redis, work: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = openRawQueue(redis, newRawQueueName());
  try {
    return await work(queue);
  } finally {
    await queue.close();
    await obliterateRawQueues(redis, [queue.name]);
  }
}

/** Adds `count` jobs from the callers; throws if any add failed (nothing would complete them). */
async function addJobs(queue: Queue, count: number, callers: number) {
  const result = await drive(count, callers, () => addRawJob(queue));
  if (result.latency.count !== count) {
    throw new BenchSetupError(`raw queue.add failed: ${JSON.stringify(result.failures)}`);
  }
  return result;
}

export function measureRawCreate(ctx: RawContext): Promise<SideRun> {
  const { options } = ctx;
  return withRawQueue(ctx.redis, async (queue) => {
    await drive(options.warmup, options.callers, () => addRawJob(queue));
    const mark = await ctx.meter.begin();
    const result = await drive(options.creates, options.callers, () => addRawJob(queue));
    return {
      perSecond: result.perSecond,
      tasks: result.latency.count,
      latency: result.latency,
      failures: result.failures,
      costs: await ctx.meter.end(mark),
    };
  });
}

export function measureRawEndToEnd(ctx: RawContext): Promise<SideRun> {
  const { options } = ctx;
  return withRawQueue(ctx.redis, async (queue) => {
    if (options.warmup > 0) {
      const warm = await ctx.worker.run(queue.name, ctx.concurrency, options.warmup);
      await addJobs(queue, options.warmup, options.callers);
      await warm.closed;
    }
    const mark = await ctx.meter.begin();
    const run = await ctx.worker.run(queue.name, ctx.concurrency, options.endToEnd);
    const firstAdd = Date.now();
    await addJobs(queue, options.endToEnd, options.callers);
    const lastDone = await run.done;
    await run.closed;
    return {
      perSecond: options.endToEnd / ((lastDone - firstAdd) / 1_000),
      tasks: options.endToEnd,
      failures: {},
      costs: await ctx.meter.end(mark),
    };
  });
}

export function measureRawDrain(ctx: RawContext): Promise<SideRun> {
  const { options } = ctx;
  return withRawQueue(ctx.redis, async (queue) => {
    // Queued while no worker serves the queue; then a Worker starts on it.
    await addJobs(queue, options.drain, options.callers);
    const mark = await ctx.meter.begin();
    const run = await ctx.worker.run(queue.name, ctx.concurrency, options.drain);
    const lastDone = await run.done;
    await run.closed;
    return {
      perSecond: options.drain / ((lastDone - run.startedAt) / 1_000),
      tasks: options.drain,
      failures: {},
      costs: await ctx.meter.end(mark),
    };
  });
}
