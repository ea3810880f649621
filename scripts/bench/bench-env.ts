import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { deleteRedisKeys, recreateDatabase } from '@/tests/support/reset-services';

// An isolated environment for benchmarks: its own database, queue prefix and storage, and the
// real web and worker processes started exactly as production starts them.

export const ROOT = path.resolve(import.meta.dirname, '../..');

export const BENCH_SETTINGS = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/taskdeck_bench',
  REDIS_URL: 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: '{taskdeck-bench}',
  STORAGE_DIR: path.join(ROOT, '.data/bench-storage'),
  LOG_LEVEL: 'warn',
  PORT: '0',
  HOST: '127.0.0.1',
  NEXT_TELEMETRY_DISABLED: '1',
  AUTH_SECRET: 'taskdeck-bench-secret-0123456789abcdef0123456789',
} as const;

// Taskdeck settings a developer's shell may carry; dropped so they cannot leak into the run.
const INHERITED_KEYS_TO_DROP = [
  'PUBLIC_URL',
  'NEXT_DEV',
  'WORKER_QUEUES',
  'WORKER_CONCURRENCY',
  'WORKER_HEARTBEAT_MS',
  'SHUTDOWN_TIMEOUT_MS',
];

const START_TIMEOUT_MS = 60_000;
const HEALTH_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 200;

/** A failure of the benchmark set-up itself: printed without a stack trace. */
export class BenchSetupError extends Error {
  override name = 'BenchSetupError';
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** One child process with its recent output kept for error messages. */
export class BenchProcess {
  readonly exited: Promise<Exit>;
  private readonly tail: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private stopping: Promise<void> | null = null;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': by then its last output lines have been read too.
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line, false));
    }
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => this.onLine(line, true));
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  recentOutput(): string {
    return this.tail.join('\n');
  }

  /** Calls listener with every line (stdout and stderr) from now on; returns the unsubscribe. */
  addLineListener(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves with the first line (seen from now on) that matches. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, match?: RegExpExecArray) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else if (match) resolve(match);
      };
      const check = (line: string) => {
        const match = pattern.exec(line);
        if (match) done(null, match);
      };
      const timer = setTimeout(
        () =>
          done(new BenchSetupError(this.describeFailure(`no ${pattern} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      this.listeners.add(check);
      void this.exited.then((exit) =>
        done(
          new BenchSetupError(
            this.describeFailure(`exited (${exit.signal ?? exit.code}) before ${pattern}`),
          ),
        ),
      );
    });
  }

  describeFailure(what: string): string {
    return `${this.name} process ${what}; its last output:\n${this.recentOutput() || '(none)'}`;
  }

  /** SIGTERM for a clean shutdown, SIGKILL if it takes longer than graceMs. Idempotent. */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.alive) return;
      this.child.kill('SIGTERM');
      const timeout = sleep(graceMs, 'timeout' as const, { ref: false });
      const outcome = await Promise.race([this.exited, timeout]);
      if (outcome === 'timeout' && this.alive) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    })();
    return this.stopping;
  }

  private onLine(line: string, fromStderr: boolean): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    echoIfNoteworthy(this.name, line, fromStderr);
    for (const listener of [...this.listeners]) listener(line);
  }
}

/** Warnings and errors from the children would explain odd figures, so they are shown. */
function echoIfNoteworthy(name: string, line: string, fromStderr: boolean): void {
  if (line.trim() === '') return;
  let level: number | undefined;
  try {
    const parsed = JSON.parse(line) as { level?: unknown };
    if (typeof parsed.level === 'number') level = parsed.level;
  } catch {
    // Not a pino line: Next's own chatter on stdout, or Node warnings and crashes on stderr.
  }
  const noteworthy = level === undefined ? fromStderr : level >= 40;
  if (noteworthy) process.stderr.write(`[${name}] ${line}\n`);
}

// Every child ever started, so an error, Ctrl-C or a plain exit never leaves one behind.
const liveProcesses = new Set<BenchProcess>();
let signalHandlersInstalled = false;

function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  // Last resort: a synchronous kill is all an 'exit' handler can do.
  process.on('exit', () => {
    for (const proc of liveProcesses) if (proc.alive) proc.child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark processes...\n`);
      void Promise.all([...liveProcesses].map((proc) => proc.stop(2_000))).finally(() =>
        process.exit(130),
      );
    });
  }
}

function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of INHERITED_KEYS_TO_DROP) delete env[key];
  return { ...env, ...BENCH_SETTINGS, ...overrides };
}

function spawnEntry(name: string, entry: string, overrides: Record<string, string>): BenchProcess {
  installSignalHandlers();
  // `node --import tsx` (as scripts/supervise.ts does in prod): one process per role, so our
  // signals reach the program itself and nothing is orphaned behind a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: childEnv(overrides),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new BenchProcess(name, child);
  liveProcesses.add(proc);
  void proc.exited.then(() => liveProcesses.delete(proc));
  return proc;
}

export function assertProductionBuild(): void {
  if (!existsSync(path.join(ROOT, '.next/BUILD_ID'))) {
    throw new BenchSetupError(
      'No production build found (.next/BUILD_ID is missing). Run `npm run build` first, then run the benchmark again.',
    );
  }
}

export interface BenchEnv {
  url: string;
  /** An API key of the user that owns the benchmark's tasks. */
  apiKey: string;
  /** The same user's session, as a Cookie request header (for a signed-in browser). */
  sessionCookie: string;
  web: BenchProcess;
  worker: BenchProcess;
  /** Rejects as soon as a child dies unexpectedly, so waits fail fast instead of timing out. */
  guard<T>(work: Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

async function resetServices(): Promise<void> {
  await recreateDatabase(BENCH_SETTINGS.DATABASE_URL);
  await deleteRedisKeys(BENCH_SETTINGS.REDIS_URL, BENCH_SETTINGS.QUEUE_PREFIX);
  await rm(BENCH_SETTINGS.STORAGE_DIR, { recursive: true, force: true });
  await mkdir(BENCH_SETTINGS.STORAGE_DIR, { recursive: true });
}

async function waitForLiveWorker(url: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer';
  for (let i = 0; i < HEALTH_TIMEOUT_MS / HEALTH_POLL_MS && Date.now() < deadline; i += 1) {
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { workers?: { count?: number } };
      if ((body.workers?.count ?? 0) >= 1) return;
      last = `HTTP ${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(HEALTH_POLL_MS);
  }
  throw new BenchSetupError(`/api/health never reported a live worker; last answer: ${last}`);
}

/** Resets the bench database, Redis prefix and storage, then starts web + worker. */
export async function startBenchEnv(): Promise<BenchEnv> {
  assertProductionBuild();
  await resetServices();

  const web = spawnEntry('web', 'server/main.ts', {});
  // info only for the worker: we wait for its 'worker started' line, and the cancel benchmark
  // reads its 'cancel signal fired' lines; it logs nothing at info per step or per job.
  const worker = spawnEntry('worker', 'worker/main.ts', { LOG_LEVEL: 'info' });
  const stop = async () => {
    await Promise.all([web.stop(), worker.stop()]);
  };
  try {
    const [urlMatch] = await Promise.all([
      web.waitForLine(/^TASKDECK_URL=(\S+)$/, START_TIMEOUT_MS),
      worker.waitForLine(/"msg":"worker started"/, START_TIMEOUT_MS),
    ]);
    const url = urlMatch[1];
    if (!url) throw new BenchSetupError('web process printed an empty TASKDECK_URL');
    await waitForLiveWorker(url);
    const keyMaker = spawnEntry('key', 'scripts/bench/create-bench-key.ts', {});
    const [, apiKey, cookie] = await keyMaker.waitForLine(
      /^BENCH_KEY=(\S+) BENCH_COOKIE=(\S+)$/,
      START_TIMEOUT_MS,
    );
    await keyMaker.exited;
    if (!apiKey || !cookie) throw new BenchSetupError('could not create the benchmark API key');
    const sessionCookie = decodeURIComponent(cookie);

    const died = new Promise<never>((_, reject) => {
      for (const proc of [web, worker]) {
        void proc.exited.then((exit) => {
          if (!proc.isStopping) {
            reject(
              new BenchSetupError(
                proc.describeFailure(`exited unexpectedly (${exit.signal ?? exit.code})`),
              ),
            );
          }
        });
      }
    });
    died.catch(() => undefined); // only an error for whoever is waiting at the time
    return {
      url,
      apiKey,
      sessionCookie,
      web,
      worker,
      stop,
      guard: (work) => Promise.race([work, died]),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs work against a fresh environment and always stops its processes afterwards. */
export async function withBenchEnv<T>(work: (env: BenchEnv) => Promise<T>): Promise<T> {
  const env = await startBenchEnv();
  try {
    return await work(env);
  } finally {
    await env.stop();
  }
}

/** True when the module with this import.meta.url is the script tsx was asked to run. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(path.resolve(script)).href === moduleUrl;
}

/** Exit code 1 only when the benchmark itself broke; a missed target is not a failure. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof BenchSetupError) process.stderr.write(`\n${error.message}\n`);
      else process.stderr.write(`\nBenchmark failed: ${String((error as Error).stack ?? error)}\n`);
      process.exit(1);
    },
  );
}
