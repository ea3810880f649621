import { parseArgs } from 'node:util';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import {
  connectSocket,
  postTask,
  TaskUpdateLog,
  type BenchSocket,
  type ReceivedUpdate,
} from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { BenchSetupError, isEntryPoint, runScript } from './bench-script';
import {
  formatSummary,
  formatVerdict,
  summarizeLatencies,
  type LatencySummary,
} from './bench-stats';

// Progress latency: from the worker's progress call (update.emittedAt, taken in the worker) to
// a Socket.IO client receiving the event. Both processes run on this machine, so
// performance.timeOrigin + performance.now() is one clock for both.

export const PROGRESS_TARGET_P99_MS = 20;

export interface ProgressLatencyOptions {
  steps: number;
  stepMs: number;
  warmupSteps: number;
}

// Within what a user may run (diagnostics.simulate: at most 1,000 steps); the bench key is a user's.
const DEFAULT_OPTIONS: ProgressLatencyOptions = { steps: 1_000, stepMs: 2, warmupSteps: 100 };

export interface ProgressLatencyResult {
  options: ProgressLatencyOptions;
  latency: LatencySummary;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Progress calls per second in the worker (from emittedAt). */
  emitRate: number;
  /** Events per second arriving at the client. */
  receiveRate: number;
  pass: boolean;
}

export function taskTimeoutMs(steps: number, stepMs: number): number {
  // Generous (timers and a busy machine stretch each step) but bounded.
  return Math.min(120_000, 15_000 + steps * stepMs * 5);
}

async function runSimulatedTask(
  env: BenchEnv,
  log: TaskUpdateLog,
  steps: number,
  stepMs: number,
): Promise<ReceivedUpdate[]> {
  const { task } = await env.guard(postTask(env, 'diagnostics.simulate', { steps, stepMs }));
  const final = await env.guard(
    // Published after every progress event on the same Redis connection, so it comes last.
    log.waitFor(task.id, (update) => isTerminalStatus(update.status), taskTimeoutMs(steps, stepMs)),
  );
  if (final.update.status !== 'succeeded') {
    throw new BenchSetupError(`simulated task ended ${final.update.status}, not succeeded`);
  }
  return log.updatesOf(task.id);
}

export function ratePerSecond(count: number, first: number | undefined, last: number | undefined) {
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((count - 1) / (last - first)) * 1000;
}

export type ProgressSummary = Omit<ProgressLatencyResult, 'options' | 'pass'>;

/** The progress events (seq > 0) of one task's updates, against the steps it was asked to run. */
export function summarizeProgress(updates: ReceivedUpdate[], steps: number): ProgressSummary {
  // seq 0 is the 'running' status change from beginAttempt; progress calls are seq 1...
  const progress = updates.filter((r) => r.update.status === 'running' && r.update.seq > 0);
  const seen = new Set<number>();
  let duplicates = 0;
  let outOfOrder = 0;
  let previousSeq = 0;
  for (const { update } of progress) {
    if (seen.has(update.seq)) duplicates += 1;
    seen.add(update.seq);
    if (update.seq < previousSeq) outOfOrder += 1;
    previousSeq = update.seq;
  }
  const latency = summarizeLatencies(progress.map((r) => r.receivedAt - r.update.emittedAt));
  const emitted = progress.map((r) => r.update.emittedAt).sort((a, b) => a - b);
  return {
    latency,
    expected: steps,
    received: seen.size,
    lost: Math.max(0, steps - seen.size),
    duplicates,
    outOfOrder,
    emitRate: ratePerSecond(emitted.length, emitted[0], emitted.at(-1)),
    receiveRate: ratePerSecond(
      progress.length,
      progress[0]?.receivedAt,
      progress.at(-1)?.receivedAt,
    ),
  };
}

export async function measureProgressLatency(
  env: BenchEnv,
  options: ProgressLatencyOptions = DEFAULT_OPTIONS,
): Promise<ProgressLatencyResult> {
  let socket: BenchSocket | undefined;
  try {
    socket = await env.guard(connectSocket(env));
    const log = new TaskUpdateLog(socket);
    // Warm-up: JIT, connection pools and Next's lazily loaded route code; not measured.
    await runSimulatedTask(env, log, options.warmupSteps, options.stepMs);

    const updates = await runSimulatedTask(env, log, options.steps, options.stepMs);
    const summary = summarizeProgress(updates, options.steps);
    return {
      options,
      ...summary,
      pass: summary.latency.p99 < PROGRESS_TARGET_P99_MS,
    };
  } finally {
    socket?.disconnect();
  }
}

export function printProgressLatency(result: ProgressLatencyResult): void {
  const { options, latency } = result;
  console.log(
    [
      '',
      'Progress latency: worker progress call -> Socket.IO client receives task.updated',
      `  task: diagnostics.simulate {steps: ${options.steps}, stepMs: ${options.stepMs}} after a ${options.warmupSteps}-step warm-up (excluded)`,
      `  events: ${result.received} of ${result.expected} received, lost ${result.lost}, duplicates ${result.duplicates}, out of order ${result.outOfOrder}`,
      `  rate: ${result.emitRate.toFixed(0)} events/s emitted by the worker, ${result.receiveRate.toFixed(0)} events/s received`,
      `  latency (n=${latency.count}): ${formatSummary(latency)}`,
      `  target p99 < ${PROGRESS_TARGET_P99_MS} ms: ${formatVerdict(result.pass)} (p99 ${latency.p99.toFixed(2)} ms)`,
    ].join('\n'),
  );
}

/** `--steps N --step-ms MS --warmup-steps N` override the defaults when run alone. */
function parseOptions(args: string[]): ProgressLatencyOptions {
  const { values } = parseArgs({
    args,
    options: {
      steps: { type: 'string' },
      'step-ms': { type: 'string' },
      'warmup-steps': { type: 'string' },
    },
  });
  const pick = (raw: string | undefined, fallback: number, max: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new BenchSetupError(`expected a number from 0 to ${max}, got ${raw}`);
    }
    return value;
  };
  return {
    steps: Math.max(1, Math.round(pick(values.steps, DEFAULT_OPTIONS.steps, 20_000))),
    stepMs: pick(values['step-ms'], DEFAULT_OPTIONS.stepMs, 20),
    warmupSteps: Math.max(
      1,
      Math.round(pick(values['warmup-steps'], DEFAULT_OPTIONS.warmupSteps, 5_000)),
    ),
  };
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const options = parseOptions(process.argv.slice(2));
    printProgressLatency(await withBenchEnv((env) => measureProgressLatency(env, options)));
  });
}
