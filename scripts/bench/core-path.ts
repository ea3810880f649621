import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { findQueueConfig } from '@/server/queues/queue-config';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { describeMachine } from './bench-machine';
import { parseWholeNumber, runScript, BenchSetupError } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';
import { buildCoreChildren, type CoreChildren } from './core-children';
import {
  CoreMeter,
  countsFileOf,
  CPU_ROLES,
  PG_STATS_SETTLE_MS,
  type CpuRole,
} from './core-counters';
import {
  measureRawCreate,
  measureRawDrain,
  measureRawEndToEnd,
  obliterateRawQueues,
  RawWorker,
  spawnIdleRawWorkers,
  type RawContext,
} from './core-raw-side';
import { printCoreResult } from './core-report';
import {
  measureTaskdeckCreate,
  measureTaskdeckDrain,
  measureTaskdeckEndToEnd,
  TaskStore,
  type TaskdeckContext,
} from './core-taskdeck-side';
import {
  PHASES,
  type CoreOptions,
  type CoreResult,
  type IdleFigures,
  type Phase,
  type RoundResult,
  type Side,
  type SideRun,
} from './core-types';
import { TASK_QUEUE } from './create-throughput';
import { MiB, readRssBytes } from './process-memory';

// `npm run bench:core [-- --rounds 3 --creates 2000 --e2e 2000 --drain 5000]`: issue 13's
// side-by-side bench. Raw BullMQ and Taskdeck alternate in one run on the same Redis and
// Postgres, phase by phase (the side that goes first swaps every round): create (queue.add
// against POST /api/v1/tasks), end to end (creating while the worker runs them, to the last
// done), and draining a queue of already-created no-op jobs. Postgres queries are counted
// inside web and worker by a bench-only preload (pg-query-counter.ts); the product is run
// from dist/ unchanged.

const DEFAULTS: CoreOptions = {
  rounds: 3,
  creates: 2_000,
  endToEnd: 2_000,
  drain: 5_000,
  callers: 32,
  warmup: 100,
};
const IDLE_SETTLE_MS = 5_000;

function parseOptions(args: string[]): CoreOptions {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: 'string' },
      creates: { type: 'string' },
      e2e: { type: 'string' },
      drain: { type: 'string' },
      callers: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  return {
    rounds: parseWholeNumber(values.rounds, DEFAULTS.rounds, 1, 100),
    creates: parseWholeNumber(values.creates, DEFAULTS.creates, 1, 1_000_000),
    endToEnd: parseWholeNumber(values.e2e, DEFAULTS.endToEnd, 1, 1_000_000),
    drain: parseWholeNumber(values.drain, DEFAULTS.drain, 1, 1_000_000),
    callers: parseWholeNumber(values.callers, DEFAULTS.callers, 1, 1_000),
    warmup: parseWholeNumber(values.warmup, DEFAULTS.warmup, 0, 100_000),
  };
}

function say(line: string): void {
  process.stderr.write(`[bench:core] ${line}\n`);
}

const rssMiB = async (pid: number | undefined) =>
  pid === undefined ? Number.NaN : (await readRssBytes(pid)) / MiB;

async function measureIdle(
  env: BenchEnv,
  children: CoreChildren,
  meter: CoreMeter,
  redis: Redis,
): Promise<Omit<IdleFigures, 'afterRounds'>> {
  const bare1 = await spawnIdleRawWorkers(children, 1);
  const bare6 = await spawnIdleRawWorkers(children, 6);
  try {
    const mark = await meter.begin(PG_STATS_SETTLE_MS);
    await sleep(IDLE_SETTLE_MS);
    const atStart = {
      web: await rssMiB(env.web.child.pid),
      worker: await rssMiB(env.worker.child.pid),
      bareWorker1: await rssMiB(bare1.proc.child.pid),
      bareWorker6: await rssMiB(bare6.proc.child.pid),
    };
    const costs = await meter.end(mark, PG_STATS_SETTLE_MS);
    const perSecond = (value: number, ms: number) => (value * 1_000) / ms;
    return {
      atStart,
      background: {
        webQueries: perSecond(costs.queries.web.total, costs.windowMs),
        workerQueries: perSecond(costs.queries.worker.total, costs.windowMs),
        commits: perSecond(costs.commits, costs.commitWindowMs),
        cpuMs: Object.fromEntries(
          CPU_ROLES.map((role) => [role, perSecond(costs.cpuMs[role], costs.windowMs)]),
        ) as Record<CpuRole, number>,
      },
    };
  } finally {
    await Promise.all([bare1.proc.stop(), bare6.proc.stop()]);
    await obliterateRawQueues(redis, [...bare1.queueNames, ...bare6.queueNames]);
  }
}

type Measure = Record<Phase, Record<Side, () => Promise<SideRun>>>;

async function runRound(measure: Measure, round: number, rounds: number): Promise<RoundResult> {
  const result: Partial<RoundResult> = {};
  // The side that goes first swaps every round, so neither always runs on a warmer system.
  const order: Side[] = round % 2 === 0 ? ['raw', 'taskdeck'] : ['taskdeck', 'raw'];
  for (const phase of PHASES) {
    const figures: Partial<Record<Side, SideRun>> = {};
    for (const side of order) {
      say(`round ${round + 1}/${rounds}: ${phase}, ${side}`);
      const run = await measure[phase][side]();
      say(`  ${run.perSecond.toFixed(0)} jobs/s`);
      figures[side] = run;
    }
    result[phase] = figures as Record<Side, SideRun>;
  }
  return result as RoundResult;
}

async function measureCorePath(
  env: BenchEnv,
  children: CoreChildren,
  options: CoreOptions,
): Promise<CoreResult> {
  const concurrency = findQueueConfig(TASK_QUEUE)?.concurrency;
  if (!concurrency) throw new BenchSetupError(`no queue config for ${TASK_QUEUE}`);
  const redis = new Redis(BENCH_SETTINGS.REDIS_URL, { maxRetriesPerRequest: null });
  const rawWorker = await RawWorker.spawn(children);
  const store = await TaskStore.open(BENCH_SETTINGS.DATABASE_URL);
  let meter: CoreMeter | undefined;
  try {
    const webPid = env.web.child.pid;
    const workerPid = env.worker.child.pid;
    if (!webPid || !workerPid) throw new BenchSetupError('web or worker has no pid');
    meter = await CoreMeter.open({
      webPid,
      workerPid,
      rawWorkerPid: rawWorker.pid,
      countsDir: children.dir,
      databaseUrl: BENCH_SETTINGS.DATABASE_URL,
      redis,
      ownQueries: () => store.queries,
      ownPids: () => [store.pid],
    });
    say('idle memory and background');
    const idle = await measureIdle(env, children, meter, redis);
    const raw: RawContext = { redis, meter, worker: rawWorker, concurrency, options };
    const td: TaskdeckContext = { env, meter, store, redis, options };
    const measure: Measure = {
      create: { raw: () => measureRawCreate(raw), taskdeck: () => measureTaskdeckCreate(td) },
      endToEnd: {
        raw: () => measureRawEndToEnd(raw),
        taskdeck: () => measureTaskdeckEndToEnd(td),
      },
      drain: { raw: () => measureRawDrain(raw), taskdeck: () => measureTaskdeckDrain(td) },
    };
    const rounds: RoundResult[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      rounds.push(await env.guard(runRound(measure, round, options.rounds)));
    }
    await sleep(IDLE_SETTLE_MS);
    const afterRounds = {
      web: await rssMiB(env.web.child.pid),
      worker: await rssMiB(env.worker.child.pid),
    };
    return {
      options,
      machine: describeMachine(),
      concurrency,
      idle: { ...idle, afterRounds },
      rounds,
    };
  } finally {
    await meter?.close();
    await store.close();
    await rawWorker.stop();
    redis.disconnect();
  }
}

runScript(async () => {
  const options = parseOptions(process.argv.slice(2));
  const children = await buildCoreChildren();
  const counted = (role: 'web' | 'worker') => ({
    nodeArgs: children.counterArgs,
    env: { BENCH_PG_COUNT_FILE: countsFileOf(children.dir, role) },
  });
  const result = await withBenchEnv((env) => measureCorePath(env, children, options), {
    web: counted('web'),
    worker: counted('worker'),
  });
  printCoreResult(result);
});
