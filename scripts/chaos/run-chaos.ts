import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from '@/tests/support/private-redis';
import { spawnEntry } from '@/tests/support/spawn-process';
import { assertProductionBuild } from '../bench/bench-env';
import { ROOT } from '../bench/bench-settings';
import type { ChaosOptions } from './chaos-options';
import {
  countByStatus,
  listPending,
  readAcceptanceFacts,
  readFailures,
  readThroughput,
  readRecoveryFacts,
  readTransitionFacts,
  waitForTerminal,
} from './checks';
import {
  describeStuckTasks,
  describeUnplannedFailures,
  readJobCounts,
  readJobStates,
  watchJobsBack,
} from './diagnostics';
import { runFaults, type PendingTask } from './faults';
import { planSubmissions, runLoad } from './load';
import { AppFleet, buildAppEnv } from './processes';
import { judge, type ChaosReport } from './report';
import { summarizeResponses } from './responses';
import { cleanStaleRuns, markRunCleaned, RUN_MARKER, startPrivateServices } from './services';
import { onTeardown, tearDownAll } from './teardown';

// One chaos run, start to finish: private services, the app, the load under faults, the wait
// for every task to end, the checks. Everything it started is torn down however it ends.

export const RUNS_DIR = path.join(ROOT, '.data/chaos-runs');

/** App settings a run may be given through its environment; the rest is fixed. */
const APP_DEFAULTS = {
  QUEUE_PREFIX: '{taskdeck-chaos}',
  AUTH_SECRET: 'taskdeck-chaos-secret-0123456789abcdef0123456789',
  // Short, so a killed worker is seen gone soon (the faults kill one every 5 s).
  WORKER_HEARTBEAT_MS: '1000',
};

async function createAdminKey(env: Record<string, string>): Promise<string> {
  const maker = spawnEntry('scripts/chaos/create-admin-key.ts', { ...env, LOG_LEVEL: 'warn' });
  const [, key] = await maker.waitForOutput(/^CHAOS_KEY=(\S+)$/m);
  await maker.exited;
  return key!;
}

export async function runChaos(
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<ChaosReport> {
  assertProductionBuild();
  await cleanStaleRuns(RUNS_DIR, log);
  // Sorts by time; the pid tells runs started in the same second apart.
  const runName = `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${process.pid}`;
  const runDir = path.join(RUNS_DIR, runName);
  try {
    log(`run ${runName}: private PostgreSQL and Redis (logs in ${path.relative(ROOT, runDir)})`);
    const { postgres, redis } = await startPrivateServices(runDir);
    const databaseUrl = postgres.url;
    const storageDir = path.join(runDir, 'storage');
    onTeardown('storage', () => rm(storageDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      ...buildAppEnv(APP_DEFAULTS, process.env, {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        PORT: String(await findFreePort()),
      }),
      STORAGE_DIR: storageDir,
      // Lets the next run find this run's processes if this one is killed outright.
      [RUN_MARKER]: runName,
    };
    const prefix = env.QUEUE_PREFIX ?? APP_DEFAULTS.QUEUE_PREFIX;
    const key = await createAdminKey(env);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    pool.on('error', () => undefined); // the PostgreSQL crash drops idle connections
    onTeardown('database pool', () => pool.end());

    log(`starting the web and ${options.workers} workers (production build)`);
    const fleet = new AppFleet(env, options.workers, path.join(runDir, 'logs'));
    await fleet.start();

    const plan = planSubmissions(options);
    log(`submitting ${plan.length} tasks over ${options.submitSeconds} s while injecting faults`);
    const epoch = Date.now();
    fleet.epoch = epoch;
    const load = runLoad(fleet.url, key, plan, options, epoch);
    const waitOver = new AbortController();
    const targets = {
      fleet,
      redis,
      postgres,
      listPending: () => listPending(pool),
      readJobStates: (tasks: PendingTask[]) => readJobStates(redis.url, prefix, tasks),
      watchJobsBack: (tasks: PendingTask[]) =>
        watchJobsBack(
          pool,
          redis.url,
          prefix,
          tasks.map((task) => task.id),
          waitOver.signal,
        ),
    };
    const faults = await runFaults(options, targets, epoch, load);
    const attempts = await load;

    log(`load and faults over; waiting up to ${options.deadlineS} s for every task to end`);
    const secondsToAllTerminal = await waitForTerminal(pool, options.deadlineS, log);
    waitOver.abort();
    const stuck = await describeStuckTasks(pool, redis.url, prefix);
    const responses = summarizeResponses(plan, attempts, faults.events);
    const acceptance = await readAcceptanceFacts(pool, plan, attempts);
    const transitions = await readTransitionFacts(pool);
    const recovery = await readRecoveryFacts(pool, faults.empty, await faults.jobsBack);
    const facts = { responses, acceptance, secondsToAllTerminal, stuck, transitions, recovery };
    const invariants = judge({ ...facts, ...options, faults: faults.events });
    const report: ChaosReport = {
      runName,
      startedAt: new Date(epoch).toISOString(),
      plan: {
        submissions: plan.length,
        idempotent: plan.filter((submission) => submission.idempotencyKey).length,
        replays: plan.filter((submission) => submission.replay).length,
        delayed: plan.filter((submission) => submission.body.delayMs !== undefined).length,
      },
      ...facts,
      statuses: await countByStatus(pool),
      failures: { ...(await readFailures(pool)), examples: await describeUnplannedFailures(pool) },
      throughput: await readThroughput(pool),
      faults: faults.events,
      exits: fleet.exits,
      jobCounts: await readJobCounts(redis.url, prefix, ['diagnostics']),
      health: await fetch(`${fleet.url}/api/health`)
        .then((response) => response.json())
        .catch((error: unknown) => String(error)),
      invariants,
      ok: invariants.every((check) => check.ok),
    };
    await writeFile(
      path.join(runDir, 'report.json'),
      JSON.stringify({ options, report, attempts }),
    );
    return report;
  } finally {
    // Marked clean only when all of it went, so a later run retries what is left.
    if (await tearDownAll(log)) await markRunCleaned(runDir);
  }
}
