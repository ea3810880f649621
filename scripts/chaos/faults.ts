import { setTimeout as sleep } from 'node:timers/promises';
import type { AppFleet } from './processes';
import { countBy } from './report';
import type { PrivatePostgres } from '@/tests/support/private-postgres';
import type { PrivateRedis } from '@/tests/support/private-redis';

// The faults, on a timeline from the start of the load: a worker SIGKILLed every few seconds
// (and restarted at once) for the whole chaos window, and once each, one after the other: the
// web SIGKILLed, Redis restarted (its AOF kept), PostgreSQL crash-restarted, Redis emptied.

export interface FaultOptions {
  workerKillEveryS: number;
  /** Worker kills go on at least this long, and while the load is still submitting. */
  chaosSeconds: number;
  webKillAtS: number;
  redisRestartAtS: number;
  postgresCrashAtS: number;
  redisEmptyAtS: number;
  /** How long Redis and PostgreSQL stay down in their outages. */
  outageMs: number;
}

export interface FaultEvent {
  name: 'worker-kill' | 'web-kill' | 'redis-restart' | 'postgres-crash' | 'redis-empty';
  startMs: number;
  endMs: number;
  detail: string;
  error?: string;
}

/** A task that was not terminal when Redis lost its data. */
export interface PendingTask {
  id: string;
  status: string;
  queue: string;
  jobId: string | null;
  /** run_at or retry_at: it could not run again before this anyway. */
  dueAt: Date | null;
  /** Its revision when listed: any later status change is a move made since. */
  revision: number;
}

export interface EmptyRedisMark {
  /** When the non-terminal tasks were listed, just before Redis was stopped. */
  listedAt: Date;
  /** When Redis answered again, empty. */
  backAt: Date;
  pending: PendingTask[];
  /** What BullMQ held for each of them just before it lost everything, by task id. */
  jobsBefore: Record<string, string>;
}

export interface FaultTargets {
  fleet: AppFleet;
  redis: PrivateRedis;
  postgres: PrivatePostgres;
  listPending(): Promise<PendingTask[]>;
  /** BullMQ's state of each task's job, by task id. */
  readJobStates(tasks: PendingTask[]): Promise<Record<string, string>>;
  /** Seconds until every one of them has a job in BullMQ again (or has ended); null: never. */
  watchJobsBack(tasks: PendingTask[]): Promise<number | null>;
}

export interface FaultResult {
  events: FaultEvent[];
  empty: EmptyRedisMark | null;
  /** Resolves once the tasks that were not terminal have their jobs back (see watchJobsBack). */
  jobsBack: Promise<number | null> | null;
}

export async function runFaults(
  options: FaultOptions,
  targets: FaultTargets,
  epoch: number,
  loadDone: Promise<unknown>,
): Promise<FaultResult> {
  const events: FaultEvent[] = [];
  let empty: EmptyRedisMark | null = null;
  let jobsBack: Promise<number | null> | null = null;
  const record = async (name: FaultEvent['name'], act: () => Promise<string>) => {
    const startMs = Date.now() - epoch;
    try {
      const detail = await act();
      events.push({ name, startMs, endMs: Date.now() - epoch, detail });
    } catch (error) {
      events.push({ name, startMs, endMs: Date.now() - epoch, detail: '', error: String(error) });
    }
  };
  const at = (seconds: number) => sleep(Math.max(0, epoch + seconds * 1_000 - Date.now()));

  const outage = async (stop: () => Promise<unknown>, start: () => Promise<unknown>) => {
    const down = Date.now();
    await stop();
    await sleep(options.outageMs);
    await start();
    return `down ${((Date.now() - down) / 1_000).toFixed(1)} s`;
  };

  const oneOffs: Array<[number, FaultEvent['name'], () => Promise<string>]> = [
    [options.webKillAtS, 'web-kill', () => targets.fleet.killWeb()],
    [
      options.redisRestartAtS,
      'redis-restart',
      () =>
        outage(
          () => targets.redis.stop(),
          () => targets.redis.start(),
        ),
    ],
    [
      options.postgresCrashAtS,
      'postgres-crash',
      () =>
        outage(
          () => targets.postgres.stop('immediate'),
          () => targets.postgres.start(),
        ),
    ],
    [
      options.redisEmptyAtS,
      'redis-empty',
      async () => {
        const listedAt = new Date();
        const pending = await targets.listPending();
        const jobsBefore = await targets.readJobStates(pending);
        const detail = await outage(
          () => targets.redis.stop({ keepData: false }),
          () => targets.redis.start(),
        );
        empty = { listedAt, backAt: new Date(), pending, jobsBefore };
        jobsBack = targets.watchJobsBack(pending);
        const counts = countBy(pending.map((task) => task.status));
        return `${detail}; ${pending.length} tasks were not terminal (${counts})`;
      },
    ],
  ];
  // 0 leaves a fault out (to see what the others do alone).
  const planned = oneOffs.filter(([seconds]) => seconds > 0).sort((a, b) => a[0] - b[0]);

  const oneOffsDone = (async () => {
    for (const [seconds, name, act] of planned) {
      await at(seconds);
      await record(name, act);
    }
  })();

  let loadFinished = false;
  void loadDone.finally(() => (loadFinished = true));
  const killsDone = (async () => {
    for (let n = 1; options.workerKillEveryS > 0; n += 1) {
      await at(n * options.workerKillEveryS);
      if (Date.now() - epoch > options.chaosSeconds * 1_000 && loadFinished) return;
      await record('worker-kill', () => targets.fleet.killWorker());
    }
  })();

  await Promise.all([oneOffsDone, killsDone]);
  return { events, empty, jobsBack };
}
