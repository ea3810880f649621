import { parseArgs } from 'node:util';
import { EventSource } from 'eventsource';
import { STREAM_EVENTS } from '@/lib/realtime/event-stream';
import { nowMs, type TaskUpdate } from '@/lib/realtime/events';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import { compareOpenApiOperations, type OpenApiCoverage } from '@/tests/support/openapi-operations';
import { connectSocket, postTask, TaskUpdateLog, type BenchSocket } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { BenchSetupError, isEntryPoint, runScript } from './bench-script';
import { formatSummary } from './bench-stats';
import {
  ratePerSecond,
  summarizeProgress,
  taskTimeoutMs,
  type ProgressSummary,
} from './progress-latency';

// SSE against Socket.IO (issue 16): one Socket.IO client and one SSE client on GET /api/v1/events,
// both connected as the same user through the whole run, so they get the very same events.
// (a) latency from the worker's progress call (update.emittedAt, taken in the worker on the same
// clock as nowMs() here) to arrival at each client; (b) events per second delivered to each
// while many tasks report progress at once, and how many were published vs received.
// The SSE client is the standard `eventsource` package (what an integration would use, and what
// README "Live events" shows), so its parsing cost is part of the figure, as socket.io-client's
// is part of the other.

export interface SseBenchOptions {
  steps: number;
  stepMs: number;
  warmupSteps: number;
  /** Throughput: tasks created at once, each with loadSteps steps of loadStepMs. */
  tasks: number;
  loadSteps: number;
  loadStepMs: number;
}

const DEFAULT_OPTIONS: SseBenchOptions = {
  steps: 1_000,
  stepMs: 2,
  warmupSteps: 100,
  tasks: 20,
  loadSteps: 1_000,
  loadStepMs: 0,
};

interface TransportFigures {
  latency: ProgressSummary;
  load: { published: number; received: number; lost: number; duplicates: number; rate: number };
}

export interface SseBenchResult {
  options: SseBenchOptions;
  socketIo: TransportFigures;
  sse: TransportFigures;
  /** Progress calls per second in the worker during the load phase (from emittedAt). */
  publishRate: number;
  openApi: OpenApiCoverage;
}

/** An EventSource on /api/v1/events with the bench key, feeding its task.updated into a log. */
async function openFeed(env: BenchEnv, log: TaskUpdateLog): Promise<EventSource> {
  const source = new EventSource(`${env.url}/api/v1/events`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${env.apiKey}` },
      }),
  });
  source.addEventListener(STREAM_EVENTS.taskUpdated, (event) => {
    // The arrival time first, as the Socket.IO side takes it before its handler's work.
    const receivedAt = nowMs();
    log.record(JSON.parse(event.data as string) as TaskUpdate, receivedAt);
  });
  try {
    await env.guard(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchSetupError('SSE did not open')), 10_000);
        source.addEventListener('open', () => {
          clearTimeout(timer);
          resolve();
        });
        source.addEventListener('error', (event) => {
          clearTimeout(timer);
          reject(new BenchSetupError(`SSE failed to open: ${event.code} ${event.message}`));
        });
      }),
    );
  } catch (error) {
    source.close();
    throw error;
  }
  return source;
}

/** Creates the tasks, then waits until both logs saw each one end; all must have succeeded. */
async function runTasks(
  env: BenchEnv,
  logs: TaskUpdateLog[],
  count: number,
  steps: number,
  stepMs: number,
) {
  const posted = await env.guard(
    Promise.all(
      Array.from({ length: count }, () => postTask(env, 'diagnostics.simulate', { steps, stepMs })),
    ),
  );
  const ids = posted.map(({ task }) => task.id);
  const timeout = taskTimeoutMs(steps * Math.max(1, count / 4), stepMs || 1);
  for (const log of logs) {
    for (const id of ids) {
      const final = await env.guard(log.waitFor(id, (u) => isTerminalStatus(u.status), timeout));
      if (final.update.status !== 'succeeded') {
        throw new BenchSetupError(`simulated task ended ${final.update.status}, not succeeded`);
      }
    }
  }
  return ids;
}

function summarizeLoad(log: TaskUpdateLog, ids: string[], steps: number) {
  const perTask = ids.map((id) => summarizeProgress(log.updatesOf(id), steps));
  const arrivals = ids
    .flatMap((id) => log.updatesOf(id))
    .filter((r) => r.update.status === 'running' && r.update.seq > 0)
    .map((r) => r.receivedAt)
    .sort((a, b) => a - b);
  const sum = (pick: (s: ProgressSummary) => number) => perTask.reduce((t, s) => t + pick(s), 0);
  return {
    published: ids.length * steps,
    received: sum((s) => s.received),
    lost: sum((s) => s.lost),
    duplicates: sum((s) => s.duplicates),
    rate: ratePerSecond(arrivals.length, arrivals[0], arrivals.at(-1)),
  };
}

export async function measureSseLatency(
  env: BenchEnv,
  options: SseBenchOptions = DEFAULT_OPTIONS,
): Promise<SseBenchResult> {
  let socket: BenchSocket | undefined;
  let source: EventSource | undefined;
  try {
    socket = await env.guard(connectSocket(env));
    const socketLog = new TaskUpdateLog(socket);
    const sseLog = new TaskUpdateLog();
    source = await openFeed(env, sseLog);
    const logs = [socketLog, sseLog];
    // Warm-up: JIT, pools and Next's lazily loaded route code; not measured.
    await runTasks(env, logs, 1, options.warmupSteps, options.stepMs);
    const [id] = await runTasks(env, logs, 1, options.steps, options.stepMs);
    const ids = await runTasks(env, logs, options.tasks, options.loadSteps, options.loadStepMs);
    const emitted = ids
      .flatMap((taskId) => socketLog.updatesOf(taskId))
      .filter((r) => r.update.seq > 0 && r.update.status === 'running')
      .map((r) => r.update.emittedAt)
      .sort((a, b) => a - b);
    const figures = (log: TaskUpdateLog): TransportFigures => ({
      latency: summarizeProgress(log.updatesOf(id!), options.steps),
      load: summarizeLoad(log, ids, options.loadSteps),
    });
    return {
      options,
      socketIo: figures(socketLog),
      sse: figures(sseLog),
      publishRate: ratePerSecond(emitted.length, emitted[0], emitted.at(-1)),
      openApi: compareOpenApiOperations(),
    };
  } finally {
    source?.close();
    socket?.disconnect();
  }
}

export function printSseLatency(result: SseBenchResult): void {
  const { options: o, socketIo, sse, openApi } = result;
  const a = socketIo.latency.latency;
  const b = sse.latency.latency;
  const ratio = (pick: 'p50' | 'p90' | 'p99') => (b[pick] / a[pick]).toFixed(2);
  const events = (f: TransportFigures) =>
    `${f.latency.received} of ${f.latency.expected} received, lost ${f.latency.lost}, duplicates ${f.latency.duplicates}, out of order ${f.latency.outOfOrder}`;
  const load = (f: TransportFigures) =>
    `${f.load.rate.toFixed(0)} events/s received; ${f.load.received} of ${f.load.published} published, lost ${f.load.lost}, duplicates ${f.load.duplicates}`;
  console.log(
    [
      '',
      'SSE vs Socket.IO: worker progress call -> client receives task.updated (both clients at once)',
      `  latency task: diagnostics.simulate {steps: ${o.steps}, stepMs: ${o.stepMs}} after a ${o.warmupSteps}-step warm-up (excluded)`,
      `  Socket.IO events: ${events(socketIo)}`,
      `  SSE events:       ${events(sse)}`,
      `  Socket.IO latency (n=${a.count}): ${formatSummary(a)}`,
      `  SSE latency       (n=${b.count}): ${formatSummary(b)}`,
      `  ratio SSE/Socket.IO: p50 ${ratio('p50')}  p90 ${ratio('p90')}  p99 ${ratio('p99')}`,
      `  throughput: ${o.tasks} tasks at once, each diagnostics.simulate {steps: ${o.loadSteps}, stepMs: ${o.loadStepMs}}; worker published ${result.publishRate.toFixed(0)} events/s`,
      `  Socket.IO: ${load(socketIo)}`,
      `  SSE:       ${load(sse)}`,
      `  ratio SSE/Socket.IO events/s: ${(sse.load.rate / socketIo.load.rate).toFixed(2)}`,
      '',
      `OpenAPI document vs the app: ${openApi.documented} operations documented, ${openApi.served} served (API route files + web endpoints, Better Auth's excluded)`,
      `  served but undocumented: ${openApi.missing.join(', ') || 'none'}`,
      `  documented but not served: ${openApi.extra.join(', ') || 'none'}`,
    ].join('\n'),
  );
}

/** `--steps --step-ms --warmup-steps --tasks --load-steps --load-step-ms` override the defaults. */
function parseOptions(args: string[]): SseBenchOptions {
  const names = ['steps', 'step-ms', 'warmup-steps', 'tasks', 'load-steps', 'load-step-ms'];
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
  });
  const pick = (name: string, fallback: number, min: number, max: number) => {
    const raw = values[name] as string | undefined;
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new BenchSetupError(`--${name}: expected a number from ${min} to ${max}, got ${raw}`);
    }
    return value;
  };
  const d = DEFAULT_OPTIONS;
  return {
    steps: Math.round(pick('steps', d.steps, 1, 20_000)),
    stepMs: pick('step-ms', d.stepMs, 0, 20),
    warmupSteps: Math.round(pick('warmup-steps', d.warmupSteps, 1, 5_000)),
    tasks: Math.round(pick('tasks', d.tasks, 1, 200)),
    loadSteps: Math.round(pick('load-steps', d.loadSteps, 1, 20_000)),
    loadStepMs: pick('load-step-ms', d.loadStepMs, 0, 20),
  };
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const options = parseOptions(process.argv.slice(2));
    printSseLatency(await withBenchEnv((env) => measureSseLatency(env, options)));
  });
}
