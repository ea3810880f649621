import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteRedisKeys, recreateDatabase } from '@/tests/support/reset-services';
import { spawnEntry, type BenchProcess, type SpawnOptions } from './bench-process';
import { BenchSetupError } from './bench-script';
import { BENCH_SETTINGS, ROOT } from './bench-settings';

// An isolated environment for benchmarks: its own database, queue prefix and storage, and the
// real web and worker processes started exactly as production starts them.

const START_TIMEOUT_MS = 60_000;
const HEALTH_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 100;

export function assertProductionBuild(): void {
  if (
    !existsSync(path.join(ROOT, '.next/BUILD_ID')) ||
    !existsSync(path.join(ROOT, 'dist/worker.mjs'))
  ) {
    throw new BenchSetupError(
      'No production build found (.next/BUILD_ID or dist/ is missing). Run `npm run build` first, then run the benchmark again.',
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

/** Extra settings of one role's process, for benchmarks that instrument it. */
export interface RoleOptions extends Pick<SpawnOptions, 'nodeArgs'> {
  env?: Record<string, string>;
}

export interface BenchEnvOptions {
  web?: RoleOptions;
  worker?: RoleOptions;
}

/** Resets the bench database, Redis prefix and storage, then starts web + worker. */
export async function startBenchEnv(options: BenchEnvOptions = {}): Promise<BenchEnv> {
  assertProductionBuild();
  await resetServices();

  // The production bundles, run as `npm start` runs them.
  const web = spawnEntry('web', 'dist/server.mjs', options.web?.env ?? {}, options.web);
  // info only for the worker: we wait for its 'worker started' line, and the cancel benchmark
  // reads its 'cancel signal fired' lines; it logs nothing at info per step or per job.
  const worker = spawnEntry(
    'worker',
    'dist/worker.mjs',
    { ...options.worker?.env, LOG_LEVEL: 'info' },
    options.worker,
  );
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
export async function withBenchEnv<T>(
  work: (env: BenchEnv) => Promise<T>,
  options: BenchEnvOptions = {},
): Promise<T> {
  const env = await startBenchEnv(options);
  try {
    return await work(env);
  } finally {
    await env.stop();
  }
}
