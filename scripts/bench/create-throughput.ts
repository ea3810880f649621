import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { CreateTaskBody } from '@/tests/support/api-client';
import { benchApi } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { describeMachine } from './bench-machine';
import { isEntryPoint, parseWholeNumber, runScript } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';
import { formatSummary, summarizeLatencies, type LatencySummary } from './bench-stats';

// Create throughput: N creates from C concurrent callers, first as raw BullMQ `queue.add`
// calls (the floor: one Redis round trip per job, nothing recorded), then as Taskdeck
// `POST /api/v1/tasks` over HTTP against the real web process (authenticate, validate, record
// the task in Postgres, publish, enqueue). Both run in the same process on the same machine
// one after the other, so the ratio says what Taskdeck's create path costs over the queue alone.
//
// The diagnostics queue is paused while Taskdeck's creates run, so the worker does not run the
// tasks in the middle of the measurement (on a small machine it would compete for the CPU);
// the job still goes through `queue.add` exactly as it does unpaused.

export interface CreateThroughputOptions {
  requests: number;
  concurrency: number;
  /** Creates sent first on each side and left out of the figures (JIT, connections). */
  warmup: number;
}

const DEFAULT_OPTIONS: CreateThroughputOptions = { requests: 2_000, concurrency: 32, warmup: 100 };
const HTTP_TIMEOUT_MS = 30_000;
export const TASK_TYPE = 'diagnostics.simulate';
export const TASK_QUEUE = 'diagnostics';
/** The cheapest valid payload: one step of no work. */
export const PAYLOAD = { steps: 1, stepMs: 0 };

export interface SideResult {
  /** Successful creates per second of wall time, warm-up excluded. */
  perSecond: number;
  latency: LatencySummary;
  /** Answers other than success, by status (HTTP) or error name (raw). */
  failures: Record<string, number>;
}

export interface CreateThroughputResult {
  options: CreateThroughputOptions;
  machine: string;
  raw: SideResult;
  taskdeck: SideResult;
}

export type Attempt = { ok: true } | { ok: false; failure: string };

/** Runs `count` calls of `create` from `concurrency` callers; times each and the whole run. */
export async function drive(
  count: number,
  concurrency: number,
  create: () => Promise<Attempt>,
): Promise<SideResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const caller = async () => {
    while (next < count) {
      next += 1;
      const sent = performance.now();
      const attempt = await create();
      if (attempt.ok) latencies.push(performance.now() - sent);
      else failures[attempt.failure] = (failures[attempt.failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  const seconds = (performance.now() - started) / 1_000;
  return {
    perSecond: latencies.length / seconds,
    latency: summarizeLatencies(latencies),
    failures,
  };
}

async function measureSide(
  options: CreateThroughputOptions,
  create: () => Promise<Attempt>,
): Promise<SideResult> {
  await drive(options.warmup, options.concurrency, create);
  return drive(options.requests, options.concurrency, create);
}

/** The baseline: a queue of its own under the bench prefix, removed (only it) afterwards. */
async function measureRawBullmq(options: CreateThroughputOptions): Promise<SideResult> {
  const connection = new Redis(BENCH_SETTINGS.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(`bench-raw-${randomUUID().slice(0, 8)}`, {
    connection,
    prefix: BENCH_SETTINGS.QUEUE_PREFIX,
  });
  try {
    return await measureSide(options, () => addRawJob(queue));
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

/** One `queue.add` with the options Taskdeck gives a task's job (server/tasks/task-jobs.ts). */
export function addRawJob(queue: Queue): Promise<Attempt> {
  return queue
    .add(
      TASK_TYPE,
      { taskId: randomUUID() },
      {
        jobId: randomUUID(),
        priority: 3,
        attempts: 1,
        removeOnComplete: { age: 3_600, count: 1_000 },
        removeOnFail: { age: 7 * 86_400, count: 10_000 },
      },
    )
    .then(
      (): Attempt => ({ ok: true }),
      (error: unknown): Attempt => ({ ok: false, failure: (error as Error).name }),
    );
}

/**
 * One `POST /api/v1/tasks` through the typed client; 201 is the only success. The answer is
 * read but not parsed (parseAs arrayBuffer), as the raw fetch this replaced did.
 */
export async function postOne(
  env: Pick<BenchEnv, 'url' | 'apiKey'>,
  body: CreateTaskBody,
): Promise<Attempt> {
  try {
    const { response } = await benchApi(env).POST('/api/v1/tasks', {
      body,
      parseAs: 'arrayBuffer',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return response.status === 201
      ? { ok: true }
      : { ok: false, failure: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, failure: (error as Error).name };
  }
}

async function measureTaskdeck(
  env: BenchEnv,
  options: CreateThroughputOptions,
): Promise<SideResult> {
  const connection = new Redis(BENCH_SETTINGS.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(TASK_QUEUE, { connection, prefix: BENCH_SETTINGS.QUEUE_PREFIX });
  const body: CreateTaskBody = { type: TASK_TYPE, payload: PAYLOAD };
  try {
    await queue.pause();
    return await env.guard(measureSide(options, () => postOne(env, body)));
  } finally {
    await queue.resume().catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

export async function measureCreateThroughput(
  env: BenchEnv,
  options: CreateThroughputOptions = DEFAULT_OPTIONS,
): Promise<CreateThroughputResult> {
  const raw = await measureRawBullmq(options);
  const taskdeck = await measureTaskdeck(env, options);
  return { options, machine: describeMachine(), raw, taskdeck };
}

export function formatFailures(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  if (entries.length === 0) return 'none';
  return entries.map(([what, count]) => `${count} x ${what}`).join(', ');
}

export function printCreateThroughput(result: CreateThroughputResult): void {
  const { options, raw, taskdeck } = result;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    [
      '',
      `Create throughput: ${options.requests} creates from ${options.concurrency} concurrent callers on each side (${options.warmup} warm-up creates first, left out)`,
      `  raw BullMQ queue.add:          ${raw.perSecond.toFixed(0)} jobs/s   ${formatSummary(raw.latency, 2)}   failures: ${formatFailures(raw.failures)}`,
      `  Taskdeck POST /api/v1/tasks:   ${taskdeck.perSecond.toFixed(0)} tasks/s  ${formatSummary(taskdeck.latency, 2)}   failures: ${formatFailures(taskdeck.failures)}`,
      `  Taskdeck/raw: throughput x${ratio(taskdeck.perSecond, raw.perSecond)}, p50 latency x${ratio(taskdeck.latency.p50, raw.latency.p50)}, p99 latency x${ratio(taskdeck.latency.p99, raw.latency.p99)}`,
      `  ${TASK_TYPE} ${JSON.stringify(PAYLOAD)}; its queue paused during Taskdeck's creates so the worker does not run them meanwhile`,
      `  machine: ${result.machine}`,
      // One line for scripts (compare-checkouts.sh) to read.
      `BENCH_RESULT create-throughput ${JSON.stringify({
        raw: { perSecond: raw.perSecond, p50: raw.latency.p50, p99: raw.latency.p99 },
        taskdeck: {
          perSecond: taskdeck.perSecond,
          p50: taskdeck.latency.p50,
          p99: taskdeck.latency.p99,
          failures: Object.values(taskdeck.failures).reduce((sum, n) => sum + n, 0),
        },
      })}`,
    ].join('\n'),
  );
}

function parseOptions(args: string[]): CreateThroughputOptions {
  const { values } = parseArgs({
    args,
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  // --requests, else BENCH_CREATE_REQUESTS (so a wrapper can size every run the same way).
  const requests = values.requests ?? process.env.BENCH_CREATE_REQUESTS;
  return {
    requests: parseWholeNumber(requests, DEFAULT_OPTIONS.requests, 1, 1_000_000),
    concurrency: parseWholeNumber(values.concurrency, DEFAULT_OPTIONS.concurrency, 1, 1_000),
    warmup: parseWholeNumber(values.warmup, DEFAULT_OPTIONS.warmup, 0, 100_000),
  };
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const options = parseOptions(process.argv.slice(2));
    printCreateThroughput(await withBenchEnv((env) => measureCreateThroughput(env, options)));
  });
}
