import { parseArgs } from 'node:util';
import type { FaultOptions } from './faults';
import type { LoadOptions } from './load';

// The harness's own knobs. The app's settings (heartbeat, reconciler interval...) are not
// here: they reach the web and worker processes through the environment given to the run.

export interface ChaosOptions extends LoadOptions, FaultOptions {
  workers: number;
  /** How long every task has, once the load and the faults are over, to become terminal. */
  deadlineS: number;
  /** After Redis comes back empty, every task must be at work again within this. */
  recoveryLimitS: number;
}

/**
 * `npm run chaos`: the figure run, ≥ 3,000 tasks through every fault. Paced at 7 a
 * second: two workers on a busy 2-core machine finish ~22 a second without faults and ~9 while
 * one is killed every 5 s (each kill drops 16 running tasks, and a new worker takes seconds to
 * start). Faster, a backlog builds up, and the time for every task to run again after the
 * empty Redis measures the queue's length instead of the repair.
 */
export const FULL_RUN: ChaosOptions = {
  tasks: 3_000,
  clients: 16,
  submitSeconds: 420,
  delayedShare: 0.1,
  idempotentShare: 0.25,
  maxDelayMs: 20_000,
  seed: 12,
  workers: 2,
  workerKillEveryS: 5,
  chaosSeconds: 420,
  webKillAtS: 30,
  redisRestartAtS: 100,
  postgresCrashAtS: 180,
  redisEmptyAtS: 270,
  outageMs: 3_000,
  deadlineS: 600,
  recoveryLimitS: 60,
};

/** The version in `npm test`: a few hundred tasks, each fault once, a few minutes at most. */
export const SHORT_RUN: ChaosOptions = {
  ...FULL_RUN,
  tasks: 300,
  clients: 8,
  submitSeconds: 30,
  maxDelayMs: 8_000,
  workerKillEveryS: 10,
  chaosSeconds: 30,
  webKillAtS: 6,
  redisRestartAtS: 12,
  postgresCrashAtS: 18,
  redisEmptyAtS: 24,
  deadlineS: 120,
};

const NUMERIC: Record<string, keyof ChaosOptions> = {
  tasks: 'tasks',
  clients: 'clients',
  'submit-seconds': 'submitSeconds',
  'delayed-share': 'delayedShare',
  'idempotent-share': 'idempotentShare',
  'max-delay-ms': 'maxDelayMs',
  seed: 'seed',
  workers: 'workers',
  'kill-every': 'workerKillEveryS',
  'chaos-seconds': 'chaosSeconds',
  'web-kill-at': 'webKillAtS',
  'redis-restart-at': 'redisRestartAtS',
  'postgres-crash-at': 'postgresCrashAtS',
  'redis-empty-at': 'redisEmptyAtS',
  'outage-ms': 'outageMs',
  deadline: 'deadlineS',
  'recovery-limit': 'recoveryLimitS',
};

export const USAGE = `npm run chaos -- [--short] [--${Object.keys(NUMERIC).join(' N] [--')} N]
  --short  the few-hundred-task version that npm test runs; the other flags override it.
  A fault's time (or --kill-every) 0 leaves that fault out.
  App settings go through the environment, e.g. WORKER_HEARTBEAT_MS=500 npm run chaos`;

export function parseChaosArgs(argv: string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(
        Object.keys(NUMERIC).map((flag) => [flag, { type: 'string' as const }]),
      ),
    },
  });
  if (values.help) return 'help';
  const options: ChaosOptions = { ...(values.short ? SHORT_RUN : FULL_RUN) };
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} must be a number ≥ 0`);
    options[key] = value;
  }
  if (options.workers < 1 || options.tasks < 1 || options.clients < 1) {
    throw new Error('--workers, --tasks and --clients must be at least 1');
  }
  return options;
}
