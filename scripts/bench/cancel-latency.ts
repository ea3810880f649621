import { parseArgs } from 'node:util';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import {
  cancelTask,
  connectSocket,
  getTransitions,
  postTask,
  TaskUpdateLog,
  type BenchSocket,
} from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { BenchSetupError, isEntryPoint, parseWholeNumber, runScript } from './bench-script';
import { describeMachine } from './bench-machine';
import { formatSummary, summarizeLatencies, type LatencySummary } from './bench-stats';
import {
  formatBrowserCancelLatency,
  measureBrowserCancelLatency,
  type BrowserCancelResult,
} from './cancel-browser-latency';
import { CancelSignalLog } from './cancel-signal-log';

// Cancel latency of a running task: from the client sending POST /api/v1/tasks/{id}/cancel (t0)
// to the processor's AbortSignal firing in the worker process, and to a Socket.IO client (what
// the dashboard listens with) receiving 'cancelled'. Every process runs on this machine and every
// timestamp is performance.timeOrigin + performance.now(), so they are read off one clock.

export interface CancelLatencyOptions {
  tasks: number;
  /** Tasks in flight at once (each: create, wait for running, cancel, wait for cancelled). */
  concurrency: number;
  warmupTasks: number;
  /** A smaller sample seen in the dashboard in Chromium, after the socket figures; 0: none. */
  browserTasks: number;
}

const DEFAULT_OPTIONS: CancelLatencyOptions = {
  tasks: 200,
  concurrency: 4,
  warmupTasks: 8,
  browserTasks: 20,
};
/** 50 s of work: always still running when the cancel arrives, and stoppable between steps. */
const TASK_PAYLOAD = { steps: 1_000, stepMs: 50 };
const RUNNING_TIMEOUT_MS = 15_000;
// Past the forced-cancel deadline (CANCEL_DEADLINE_MS, 10 s) plus the backstop's 2 s, so a slow
// cancel is seen and reported as forced rather than as a timeout.
const CANCELLED_TIMEOUT_MS = 20_000;
/** The worker logs the line before it starts the 'cancelled' transition; this is only slack. */
const SIGNAL_LINE_TIMEOUT_MS = 5_000;

interface Sample {
  signal: number;
  uiCancelled: number;
  uiCancelling: number;
  httpResponse: number;
  relay: number;
  cancellingAfterCancelled: boolean;
}

export interface CancelLatencyResult {
  options: CancelLatencyOptions;
  machine: string;
  /** signalledAt (worker) - t0. */
  signal: LatencySummary;
  /** 'cancelled' task.updated received by the socket client - t0. */
  uiCancelled: LatencySummary;
  /** 'cancelling' task.updated received by the socket client - t0. */
  uiCancelling: LatencySummary;
  /** Cancel response headers received - t0. */
  httpResponse: LatencySummary;
  /** signalledAt - requestedAt (Date.now() in the web process once it took the request). */
  relay: LatencySummary;
  cancellingAfterCancelled: number;
  browser: BrowserCancelResult;
  /** One line per task whose cancel went wrong or could not be measured. */
  problems: string[];
}

async function measureOneCancel(
  env: BenchEnv,
  log: TaskUpdateLog,
  signals: CancelSignalLog,
): Promise<Sample> {
  const { task } = await env.guard(postTask(env, 'diagnostics.simulate', TASK_PAYLOAD));
  const id = task.id;
  try {
    await env.guard(log.waitFor(id, (u) => u.status === 'running', RUNNING_TIMEOUT_MS));
    const response = await env.guard(cancelTask(env, id));
    const t0 = response.sentAt;
    if (response.task.status !== 'cancelling') {
      throw new BenchSetupError(`${id}: cancel answered ${response.task.status}, not cancelling`);
    }
    const final = await env.guard(
      log.waitFor(id, (u) => isTerminalStatus(u.status), CANCELLED_TIMEOUT_MS),
    );
    if (final.update.status !== 'cancelled') {
      throw new BenchSetupError(`${id}: ended ${final.update.status}, not cancelled`);
    }
    const signal = await env.guard(signals.waitFor(id, SIGNAL_LINE_TIMEOUT_MS));
    if (signals.firedTwice(id)) throw new BenchSetupError(`${id}: the signal fired twice`);
    const cancelling = log.updatesOf(id).find((r) => r.update.status === 'cancelling');
    if (!cancelling) throw new BenchSetupError(`${id}: no 'cancelling' update reached the client`);
    // Outside the timed part: the task must have been stopped by its processor, not forced.
    const last = (await env.guard(getTransitions(env, id))).at(-1);
    if (last?.to !== 'cancelled' || last.reason?.startsWith('Forced')) {
      throw new BenchSetupError(`${id}: last transition ${last?.to} (${last?.reason})`);
    }
    return {
      signal: signal.signalledAt - t0,
      uiCancelled: final.receivedAt - t0,
      uiCancelling: cancelling.receivedAt - t0,
      httpResponse: response.respondedAt - t0,
      relay: signal.signalledAt - signal.requestedAt,
      cancellingAfterCancelled: cancelling.receivedAt > final.receivedAt,
    };
  } finally {
    log.forget(id);
    signals.forget(id);
  }
}

/** Runs count cancels, concurrency at a time; a task that goes wrong is a problem, not a stop. */
async function runCancels(
  env: BenchEnv,
  log: TaskUpdateLog,
  signals: CancelSignalLog,
  count: number,
  concurrency: number,
): Promise<{ samples: Sample[]; problems: string[] }> {
  const samples: Sample[] = [];
  const problems: string[] = [];
  let next = 0;
  const runLane = async () => {
    while (next < count) {
      next += 1;
      try {
        samples.push(await measureOneCancel(env, log, signals));
      } catch (error) {
        // A dead web or worker process ends the run; anything else is one task's problem.
        if (!env.web.alive || !env.worker.alive) throw error;
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, runLane));
  return { samples, problems };
}

export async function measureCancelLatency(
  env: BenchEnv,
  options: CancelLatencyOptions = DEFAULT_OPTIONS,
): Promise<CancelLatencyResult> {
  let socket: BenchSocket | undefined;
  const signals = new CancelSignalLog(env.worker);
  try {
    socket = await env.guard(connectSocket(env));
    const log = new TaskUpdateLog(socket);
    // Warm-up: Next loads the cancel route's code on first use; not measured.
    const warmup = await runCancels(env, log, signals, options.warmupTasks, options.concurrency);
    const { samples, problems } = await runCancels(
      env,
      log,
      signals,
      options.tasks,
      options.concurrency,
    );
    const browser = await measureBrowserCancelLatency(env, options.browserTasks);
    const summarize = (pick: (s: Sample) => number) => summarizeLatencies(samples.map(pick));
    return {
      options,
      machine: describeMachine(),
      signal: summarize((s) => s.signal),
      uiCancelled: summarize((s) => s.uiCancelled),
      uiCancelling: summarize((s) => s.uiCancelling),
      httpResponse: summarize((s) => s.httpResponse),
      relay: summarize((s) => s.relay),
      cancellingAfterCancelled: samples.filter((s) => s.cancellingAfterCancelled).length,
      browser,
      problems: [...warmup.problems.map((p) => `warm-up ${p}`), ...problems],
    };
  } finally {
    signals.close();
    socket?.disconnect();
  }
}

export function printCancelLatency(result: CancelLatencyResult): void {
  const { options } = result;
  console.log(
    [
      '',
      "Cancel latency (running task): POST /api/v1/tasks/{id}/cancel sent (t0) -> processor's AbortSignal fires / UI receives 'cancelled'",
      `  machine: ${result.machine}`,
      `  tasks: ${options.tasks} diagnostics.simulate {steps: ${TASK_PAYLOAD.steps}, stepMs: ${TASK_PAYLOAD.stepMs}}, each cancelled once its 'running' update arrived, ${options.concurrency} at a time; ${options.warmupTasks} warm-up tasks excluded`,
      `  t0 -> signal fired in the worker (n=${result.signal.count}): ${formatSummary(result.signal)}`,
      `  t0 -> 'cancelled' at the Socket.IO client (n=${result.uiCancelled.count}): ${formatSummary(result.uiCancelled)}`,
      `  context: t0 -> 'cancelling' at the Socket.IO client ${formatSummary(result.uiCancelling)}`,
      `  context: t0 -> cancel response (202) headers ${formatSummary(result.httpResponse)}`,
      `  context: web took the request (requestedAt) -> signal fired ${formatSummary(result.relay)} (requestedAt is a whole-ms Date.now())`,
      `  'cancelling' arrived after 'cancelled': ${result.cancellingAfterCancelled}`,
      `  checks (each ended cancelled by its processor, not forced; one signal line; a 'cancelling' update): ${result.problems.length === 0 ? 'OK' : `${result.problems.length} problems`}`,
      ...result.problems.map((problem) => `    ${problem}`),
      ...formatBrowserCancelLatency(result.browser),
    ].join('\n'),
  );
}

/** Throws (exit code 1) when any cancel went wrong or was not measured. */
export function assertCancelsClean(result: CancelLatencyResult): void {
  const { problems, signal, options, browser } = result;
  if (problems.length > 0 || signal.count !== options.tasks) {
    throw new BenchSetupError(
      `cancel latency: ${problems.length} problems, ${signal.count} of ${options.tasks} tasks measured`,
    );
  }
  if (
    browser.skipped === null &&
    (browser.problems.length > 0 || browser.cancelled.count !== browser.tasks)
  ) {
    throw new BenchSetupError(
      `cancel latency in Chromium: ${browser.problems.length} problems, ${browser.cancelled.count} of ${browser.tasks} tasks measured`,
    );
  }
}

/** `--tasks N --concurrency N --warmup-tasks N --browser-tasks N` override the defaults when run alone. */
function parseOptions(args: string[]): CancelLatencyOptions {
  const { values } = parseArgs({
    args,
    options: {
      tasks: { type: 'string' },
      concurrency: { type: 'string' },
      'warmup-tasks': { type: 'string' },
      'browser-tasks': { type: 'string' },
    },
  });
  return {
    tasks: parseWholeNumber(values.tasks, DEFAULT_OPTIONS.tasks, 1, 10_000),
    concurrency: parseWholeNumber(values.concurrency, DEFAULT_OPTIONS.concurrency, 1, 16),
    warmupTasks: parseWholeNumber(values['warmup-tasks'], DEFAULT_OPTIONS.warmupTasks, 0, 1_000),
    browserTasks: parseWholeNumber(values['browser-tasks'], DEFAULT_OPTIONS.browserTasks, 0, 1_000),
  };
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const options = parseOptions(process.argv.slice(2));
    const result = await withBenchEnv((env) => measureCancelLatency(env, options));
    printCancelLatency(result);
    assertCancelsClean(result);
  });
}
