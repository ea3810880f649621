import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import { connectSocket, getTask, postTask, TaskUpdateLog, type BenchSocket } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { BenchSetupError, isEntryPoint, runScript } from './bench-script';
import {
  formatSummary,
  formatVerdict,
  summarizeLatencies,
  type LatencySummary,
} from './bench-stats';

// Pickup latency on an idle system: from the POST /api/v1/tasks response arriving at the client
// to the processor starting (the task's startedAt, set by beginAttempt in the worker).

export const PICKUP_TARGET_P50_MS = 20;

export interface PickupLatencyOptions {
  tasks: number;
  warmupTasks: number;
  /** Pause after each task finishes, so the worker is back to waiting for a job. */
  idleGapMs: number;
}

const DEFAULT_OPTIONS: PickupLatencyOptions = { tasks: 200, warmupTasks: 20, idleGapMs: 25 };
const TASK_TIMEOUT_MS = 10_000;

export interface PickupLatencyResult {
  options: PickupLatencyOptions;
  /** startedAt - POST response arrival. */
  pickup: LatencySummary;
  negative: number;
  /** POST round trip as the client saw it, for context. */
  postRoundTrip: LatencySummary;
  /** startedAt - POST sent: the whole way from the client's request to the processor. */
  sendToStart: LatencySummary;
  /** The 'running' event reaching the client - POST response: what a user sees (sub-ms). */
  runningEventSeen: LatencySummary;
  /** Fell back to GET /api/v1/tasks/{id} because the running event had no startedAt. */
  fromRestApi: number;
  pass: boolean;
}

interface Sample {
  pickup: number;
  postRoundTrip: number;
  sendToStart: number;
  runningEventSeen: number | null;
  fromRestApi: boolean;
}

async function measureOneTask(env: BenchEnv, log: TaskUpdateLog): Promise<Sample> {
  const posted = await env.guard(postTask(env, 'diagnostics.simulate', { steps: 1, stepMs: 0 }));
  const id = posted.task.id;
  const final = await env.guard(
    log.waitFor(id, (update) => isTerminalStatus(update.status), TASK_TIMEOUT_MS),
  );
  if (final.update.status !== 'succeeded') {
    throw new BenchSetupError(`task ${id} ended ${final.update.status}, not succeeded`);
  }
  const running = log
    .updatesOf(id)
    .find((r) => r.update.status === 'running' && r.update.seq === 0 && r.update.startedAt);
  let startedAt = running?.update.startedAt ?? null;
  if (!startedAt) startedAt = (await env.guard(getTask(env, id))).startedAt;
  if (!startedAt) throw new BenchSetupError(`task ${id} finished without a startedAt`);
  log.forget(id);
  const started = Date.parse(startedAt);
  return {
    pickup: started - posted.respondedAt,
    postRoundTrip: posted.respondedAt - posted.sentAt,
    sendToStart: started - posted.sentAt,
    runningEventSeen: running ? running.receivedAt - posted.respondedAtPerf : null,
    fromRestApi: !running,
  };
}

export async function measurePickupLatency(
  env: BenchEnv,
  options: PickupLatencyOptions = DEFAULT_OPTIONS,
): Promise<PickupLatencyResult> {
  let socket: BenchSocket | undefined;
  try {
    socket = await env.guard(connectSocket(env));
    const log = new TaskUpdateLog(socket);
    const samples: Sample[] = [];
    // Sequential by design: each task is sent only once the previous one has finished.
    for (let i = 0; i < options.warmupTasks + options.tasks; i += 1) {
      const sample = await measureOneTask(env, log);
      if (i >= options.warmupTasks) samples.push(sample);
      await sleep(options.idleGapMs);
    }
    const pickup = summarizeLatencies(samples.map((s) => s.pickup));
    return {
      options,
      pickup,
      negative: samples.filter((s) => s.pickup < 0).length,
      postRoundTrip: summarizeLatencies(samples.map((s) => s.postRoundTrip)),
      sendToStart: summarizeLatencies(samples.map((s) => s.sendToStart)),
      runningEventSeen: summarizeLatencies(
        samples.flatMap((s) => (s.runningEventSeen === null ? [] : [s.runningEventSeen])),
      ),
      fromRestApi: samples.filter((s) => s.fromRestApi).length,
      pass: pickup.p50 < PICKUP_TARGET_P50_MS,
    };
  } finally {
    socket?.disconnect();
  }
}

export function printPickupLatency(result: PickupLatencyResult): void {
  const { options, pickup } = result;
  console.log(
    [
      '',
      'Pickup latency (idle system): POST /api/v1/tasks response arrives -> processor starts (startedAt)',
      `  tasks: ${options.tasks} sequential diagnostics.simulate {steps: 1, stepMs: 0}, each sent ${options.idleGapMs} ms after the previous finished; ${options.warmupTasks} warm-up tasks excluded`,
      `  pickup (n=${pickup.count}): ${formatSummary(pickup, 0)}`,
      `  negative values: ${result.negative} (kept as measured: the job is enqueued before the API answers, so the worker can start it before the response reaches the client)`,
      `  resolution 1 ms: startedAt (new Date() in the worker's beginAttempt, stored as timestamptz(3)) and the client's Date.now() are whole milliseconds, so each value is +/- 1 ms`,
      `  context: POST round trip ${formatSummary(result.postRoundTrip, 1)}`,
      `  context: POST sent -> processor start ${formatSummary(result.sendToStart, 0)}`,
      `  context: POST response -> 'running' event at the client ${formatSummary(result.runningEventSeen, 1)}`,
      ...(result.fromRestApi > 0
        ? [`  startedAt read via GET /api/v1/tasks/{id} for ${result.fromRestApi} tasks`]
        : []),
      `  target p50 < ${PICKUP_TARGET_P50_MS} ms: ${formatVerdict(result.pass)} (p50 ${pickup.p50.toFixed(0)} ms)`,
    ].join('\n'),
  );
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    printPickupLatency(await withBenchEnv((env) => measurePickupLatency(env)));
  });
}
