import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { CreateTaskBody } from '@/tests/support/api-client';
import type { BenchEnv } from './bench-env';
import { BenchSetupError } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';
import { PG_STATS_SETTLE_MS, type CoreMeter, type PhaseMark } from './core-counters';
import { PHASE_TIMEOUT_MS, type CoreOptions, type SideRun } from './core-types';
import { drive, PAYLOAD, postOne, TASK_QUEUE, TASK_TYPE } from './create-throughput';

// The Taskdeck side of the core-path benchmark: `POST /api/v1/tasks` against the real web
// process, run by the real worker, done when Postgres says `succeeded`. The bench database
// holds only this run's tasks, so "nothing unfinished left" means every task created is done.

const POLL_MS = 100;
const UNFINISHED = `('queued', 'delayed', 'running', 'retrying', 'cancelling')`;

/** Reads task states straight from the bench database, counting its own queries. */
export class TaskStore {
  private sent = 0;

  private constructor(
    private readonly client: pg.Client,
    readonly pid: number,
  ) {}

  static async open(databaseUrl: string): Promise<TaskStore> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const store = new TaskStore(client, rows[0]?.pid ?? Number.NaN);
    store.sent = 1;
    return store;
  }

  /** Queries (each one a committed transaction) sent so far. */
  get queries(): number {
    return this.sent;
  }

  private async count(where: string): Promise<number> {
    this.sent += 1;
    const { rows } = await this.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE ${where}`,
    );
    return rows[0]?.n ?? 0;
  }

  async countOutcomes(): Promise<{ succeeded: number; failed: number }> {
    return {
      succeeded: await this.count(`status = 'succeeded'`),
      failed: await this.count(`status IN ('failed', 'cancelled')`),
    };
  }

  /** When the last task finished, by the time Postgres recorded for it. */
  async readLastFinishedAt(): Promise<number> {
    this.sent += 1;
    const { rows } = await this.client.query<{ at: Date | null }>(
      'SELECT max(finished_at) AS at FROM tasks',
    );
    const at = rows[0]?.at;
    if (!at) throw new BenchSetupError('no finished task has a finished_at');
    return at.getTime();
  }

  async waitUntilAllFinished(env: BenchEnv): Promise<void> {
    const deadline = Date.now() + PHASE_TIMEOUT_MS;
    let left = await env.guard(this.count(`status IN ${UNFINISHED}`));
    while (left > 0) {
      if (Date.now() > deadline) {
        throw new BenchSetupError(`${left} tasks still unfinished after ${PHASE_TIMEOUT_MS} ms`);
      }
      await sleep(POLL_MS);
      left = await env.guard(this.count(`status IN ${UNFINISHED}`));
    }
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export interface TaskdeckContext {
  env: BenchEnv;
  meter: CoreMeter;
  store: TaskStore;
  redis: Redis;
  options: CoreOptions;
}

const BODY: CreateTaskBody = { type: TASK_TYPE, payload: PAYLOAD };

function createTasks(ctx: TaskdeckContext, count: number) {
  return ctx.env.guard(drive(count, ctx.options.callers, () => postOne(ctx.env, BODY)));
}

/** Runs work with the diagnostics queue paused: tasks are created but no worker takes them. */
async function whilePaused<T>(ctx: TaskdeckContext, work: () => Promise<T>): Promise<T> {
  const queue = new Queue(TASK_QUEUE, {
    connection: ctx.redis,
    prefix: BENCH_SETTINGS.QUEUE_PREFIX,
  });
  try {
    await queue.pause();
    return await work();
  } finally {
    await queue.resume().catch(() => undefined);
    await queue.close();
  }
}

/** Figures of a run from firstAt to the last task's finish, judged by what Postgres holds. */
async function settleRun(
  ctx: TaskdeckContext,
  firstAt: number,
  before: { succeeded: number; failed: number },
  failures: Record<string, number>,
  mark: PhaseMark,
): Promise<SideRun> {
  await ctx.store.waitUntilAllFinished(ctx.env);
  const lastAt = await ctx.store.readLastFinishedAt();
  const costs = await ctx.meter.end(mark, PG_STATS_SETTLE_MS);
  const after = await ctx.store.countOutcomes();
  const succeeded = after.succeeded - before.succeeded;
  const failed = after.failed - before.failed;
  return {
    perSecond: succeeded / ((lastAt - firstAt) / 1_000),
    tasks: succeeded,
    failures: failed > 0 ? { ...failures, 'task failed': failed } : failures,
    costs,
  };
}

export async function measureTaskdeckCreate(ctx: TaskdeckContext): Promise<SideRun> {
  // Paused as create-throughput.ts does: the worker would compete for the 2 cores meanwhile.
  const run = await whilePaused(ctx, async () => {
    await createTasks(ctx, ctx.options.warmup);
    const mark = await ctx.meter.begin(PG_STATS_SETTLE_MS);
    const result = await createTasks(ctx, ctx.options.creates);
    return {
      perSecond: result.perSecond,
      tasks: result.latency.count,
      latency: result.latency,
      failures: result.failures,
      costs: await ctx.meter.end(mark, PG_STATS_SETTLE_MS),
    };
  });
  // The backlog runs now, outside every figure, so the next phase starts from an idle worker.
  await ctx.store.waitUntilAllFinished(ctx.env);
  return run;
}

export async function measureTaskdeckEndToEnd(ctx: TaskdeckContext): Promise<SideRun> {
  if (ctx.options.warmup > 0) {
    await createTasks(ctx, ctx.options.warmup);
    await ctx.store.waitUntilAllFinished(ctx.env);
  }
  const before = await ctx.store.countOutcomes();
  const mark = await ctx.meter.begin(PG_STATS_SETTLE_MS);
  const firstAt = Date.now();
  const result = await createTasks(ctx, ctx.options.endToEnd);
  return settleRun(ctx, firstAt, before, result.failures, mark);
}

export async function measureTaskdeckDrain(ctx: TaskdeckContext): Promise<SideRun> {
  let failures: Record<string, number> = {};
  const before = await ctx.store.countOutcomes();
  let firstAt = 0;
  const mark = await whilePaused(ctx, async () => {
    failures = (await createTasks(ctx, ctx.options.drain)).failures;
    const settled = await ctx.meter.begin(PG_STATS_SETTLE_MS);
    // The clock starts as the queue is resumed, on leaving whilePaused.
    firstAt = Date.now();
    return settled;
  });
  return settleRun(ctx, firstAt, before, failures, mark);
}
