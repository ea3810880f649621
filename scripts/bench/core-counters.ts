import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { BenchSetupError } from './bench-script';
import { BackendCpuTracker, readCpuMs, type BackendMark } from './core-proc-cpu';
import type { QueryCounts } from './pg-query-counter';

// What one phase of the core-path benchmark cost, process by process: CPU time, Postgres
// queries sent by web and worker (counted by the preloaded pg-query-counter), and commits in
// the bench database.

/** The processes whose CPU is measured; redis is the machine's shared server. */
export const CPU_ROLES = ['web', 'worker', 'postgres', 'rawWorker', 'bench', 'redis'] as const;
export type CpuRole = (typeof CPU_ROLES)[number];

export type PhaseMark = Mark;

export interface PhaseCosts {
  cpuMs: Record<CpuRole, number>;
  queries: { web: QueryCounts; worker: QueryCounts };
  /** xact_commit of the bench database, less the benchmark's own polling queries. */
  commits: number;
  backends: { seen: number; started: number; ended: number };
  /** How long CPU and queries were counted, and how long commits were. */
  windowMs: number;
  commitWindowMs: number;
}

interface Mark {
  at: number;
  commitsAt: number;
  cpuMs: Record<Exclude<CpuRole, 'postgres'>, number>;
  backends: BackendMark;
  queries: { web: QueryCounts; worker: QueryCounts };
  commits: number;
  ownQueries: number;
}

/** The counts files are rewritten every 100 ms: a mark this long after the work has all of it. */
export const COUNTERS_SETTLE_MS = 1_500;
/**
 * A busy backend that goes idle less than a second after its last stats flush holds its
 * pending counts for PGSTAT_IDLE_INTERVAL (10 s) before pg_stat_database sees them: phases
 * whose commits are reported wait this long on both ends so none cross into the next one.
 */
export const PG_STATS_SETTLE_MS = 11_000;

export interface MeterTargets {
  webPid: number;
  workerPid: number;
  rawWorkerPid: number;
  /** Where the web and worker write their query counts (pg-web.json, pg-worker.json). */
  countsDir: string;
  databaseUrl: string;
  redis: Redis;
  /** Queries the benchmark itself sent to the bench database (its polling), so far. */
  ownQueries: () => number;
  ownPids: () => number[];
}

export function countsFileOf(countsDir: string, role: 'web' | 'worker'): string {
  return path.join(countsDir, `pg-${role}.json`);
}

async function readQueryCounts(countsDir: string, role: 'web' | 'worker'): Promise<QueryCounts> {
  try {
    return JSON.parse(await readFile(countsFileOf(countsDir, role), 'utf8')) as QueryCounts;
  } catch (error) {
    throw new BenchSetupError(
      `the ${role} process wrote no query counts (is the pg-query-counter preload loaded?): ${String(error)}`,
    );
  }
}

function subtractCounts(after: QueryCounts, before: QueryCounts): QueryCounts {
  const byStatement: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after.byStatement)) {
    const delta = count - (before.byStatement[kind] ?? 0);
    if (delta > 0) byStatement[kind] = delta;
  }
  return { total: after.total - before.total, byStatement };
}

async function readRedisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1_000;
}

export class CoreMeter {
  private constructor(
    private readonly targets: MeterTargets,
    private readonly monitor: pg.Client,
    private readonly backends: BackendCpuTracker,
    private readonly database: string,
  ) {}

  /** The monitor connects to the `postgres` database, so its own queries are not counted. */
  static async open(targets: MeterTargets): Promise<CoreMeter> {
    const url = new URL(targets.databaseUrl);
    const database = url.pathname.slice(1);
    url.pathname = '/postgres';
    const monitor = new pg.Client({ connectionString: url.toString() });
    await monitor.connect();
    const backends = new BackendCpuTracker(monitor, database, targets.ownPids);
    return new CoreMeter(targets, monitor, backends, database);
  }

  private async readCommits(): Promise<number> {
    const { rows } = await this.monitor.query<{ commits: string }>(
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1',
      [this.database],
    );
    return Number(rows[0]?.commits ?? Number.NaN);
  }

  private async takeMark(): Promise<Mark> {
    const t = this.targets;
    const usage = process.cpuUsage();
    const [web, worker, rawWorker, redis, backends, webQueries, workerQueries, commits] =
      await Promise.all([
        readCpuMs(t.webPid),
        readCpuMs(t.workerPid),
        readCpuMs(t.rawWorkerPid),
        readRedisCpuMs(t.redis),
        this.backends.mark(),
        readQueryCounts(t.countsDir, 'web'),
        readQueryCounts(t.countsDir, 'worker'),
        this.readCommits(),
      ]);
    const at = Date.now();
    return {
      at,
      commitsAt: at,
      cpuMs: { web, worker, rawWorker, redis, bench: (usage.user + usage.system) / 1_000 },
      backends,
      queries: { web: webQueries, worker: workerQueries },
      commits,
      ownQueries: t.ownQueries(),
    };
  }

  /** Waits for the counters to settle, then marks the start of a phase. */
  async begin(settleMs = COUNTERS_SETTLE_MS): Promise<Mark> {
    await sleep(settleMs);
    return this.takeMark();
  }

  /**
   * Waits for the counters to settle (work a process does after the last task is its cost too),
   * then for settleMs in all before reading the commits, which lag behind.
   */
  async end(start: Mark, settleMs = COUNTERS_SETTLE_MS): Promise<PhaseCosts> {
    await sleep(COUNTERS_SETTLE_MS);
    const backends = await this.backends.costsSince(start.backends);
    const now = await this.takeMark();
    if (settleMs > COUNTERS_SETTLE_MS) {
      await sleep(settleMs - COUNTERS_SETTLE_MS);
      now.commits = await this.readCommits();
      now.commitsAt = Date.now();
      now.ownQueries = this.targets.ownQueries();
    }
    const cpu = (role: Exclude<CpuRole, 'postgres'>) => now.cpuMs[role] - start.cpuMs[role];
    return {
      cpuMs: {
        web: cpu('web'),
        worker: cpu('worker'),
        postgres: backends.cpuMs,
        rawWorker: cpu('rawWorker'),
        bench: cpu('bench'),
        redis: cpu('redis'),
      },
      queries: {
        web: subtractCounts(now.queries.web, start.queries.web),
        worker: subtractCounts(now.queries.worker, start.queries.worker),
      },
      commits: now.commits - start.commits - (now.ownQueries - start.ownQueries),
      backends: { seen: backends.seen, started: backends.started, ended: backends.ended },
      windowMs: now.at - start.at,
      commitWindowMs: now.commitsAt - start.commitsAt,
    };
  }

  async close(): Promise<void> {
    this.backends.stop();
    await this.backends.sample().catch(() => undefined);
    await this.monitor.end();
  }
}
