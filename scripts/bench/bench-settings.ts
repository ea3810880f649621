import path from 'node:path';

// Where the benchmark runs: its own database, queue prefix and storage, never a developer's.

export const ROOT = path.resolve(import.meta.dirname, '../..');

// Lets several checkouts or agents benchmark at once on one machine, as TASKDECK_TEST_SUFFIX
// does for the test tiers: each suffix gets its own database, queue prefix and storage.
const rawSuffix = process.env.TASKDECK_BENCH_SUFFIX ?? '';
if (!/^[a-z0-9_]*$/.test(rawSuffix)) {
  throw new Error(`TASKDECK_BENCH_SUFFIX must be lower-case letters, digits and _: ${rawSuffix}`);
}
export const BENCH_SUFFIX = rawSuffix;

export const BENCH_SETTINGS = {
  NODE_ENV: 'production',
  DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/taskdeck_bench${BENCH_SUFFIX}`,
  REDIS_URL: 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `{taskdeck-bench${BENCH_SUFFIX.replaceAll('_', '-')}}`,
  STORAGE_DIR: path.join(ROOT, `.data/bench${BENCH_SUFFIX}-storage`),
  LOG_LEVEL: 'warn',
  PORT: '0',
  HOST: '127.0.0.1',
  NEXT_TELEMETRY_DISABLED: '1',
  AUTH_SECRET: 'taskdeck-bench-secret-0123456789abcdef0123456789',
} as const;

// Taskdeck settings a developer's shell may carry; dropped so they cannot leak into the run.
const INHERITED_KEYS_TO_DROP = [
  'PUBLIC_URL',
  'TRUST_PROXY_HEADERS',
  'NEXT_DEV',
  'WORKER_QUEUES',
  'WORKER_CONCURRENCY',
  'WORKER_HEARTBEAT_MS',
  'SHUTDOWN_TIMEOUT_MS',
];

/** The environment of a benchmark child: the parent's, less stray Taskdeck settings, plus ours. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of INHERITED_KEYS_TO_DROP) delete env[key];
  return { ...env, ...BENCH_SETTINGS, ...overrides };
}
