import http from 'node:http';
import pg from 'pg';
import { getEnv } from '@/lib/env';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { createApiKey } from '@/server/auth/api-keys';
import type { UserPrincipal } from '@/server/auth/principal';
import { inlineValues } from '@/server/db/timed-statement';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { buildTaskPageQuery } from '@/server/tasks/task-search';
import { deleteRedisKeys } from '@/tests/support/reset-services';
import { seedTasks } from '../seed-tasks';
import { assertProductionBuild } from './bench-env';
import { describeMachine } from './bench-machine';
import { spawnEntry } from './bench-process';
import { BENCH_SETTINGS } from './bench-settings';
import { BenchSetupError, parseWholeNumber, runScript } from './bench-script';
import { formatVerdict, summarizeLatencies, type LatencySummary } from './bench-stats';
import {
  ensureListDatabase,
  LIST_DATABASE_NAME,
  LIST_DATABASE_URL,
  LIST_QUEUE_PREFIX,
} from './list-bench-db';

// The REST list against the raw SQL of its own statement: `npm run bench:list
// [-- --count 1000000 --runs 300]`. Seeds (or tops up) its own database, taskdeck_bench_list
// <suffix>, kept between runs, with finished tasks only; starts the production web process on it; then, alternating,
// times GET /api/v1/tasks (first page, as an admin: every task) over HTTP and the very
// statement the route runs, sent with pg on one connection. Then the combinations that were
// slow at a million tasks, through the route: answered within 50 ms, or stopped by the
// statement timeout with 422 search_too_broad. Target: HTTP p95 ≤ 2× raw SQL p95.

const TARGET_RATIO = 2;
const SLOW_TARGET_MS = 50;
const WARM_UP_RUNS = 30;
const SLOW_RUNS = 5;
const START_TIMEOUT_MS = 60_000;

const ADMIN_ID = 'bench-list-admin';
const ADMIN: UserPrincipal = {
  kind: 'user',
  userId: ADMIN_ID,
  email: `${ADMIN_ID}@example.test`,
  role: 'admin',
  via: 'api-key',
};

/** Filters that matched nothing yet read a lot at a million tasks (issue 13). */
const SLOW_COMBINATIONS: ReadonlyArray<{ name: string; params: Record<string, string> }> = [
  { name: 'type × queue, no match', params: { type: 'email.send', queue: 'reports' } },
  { name: 'q common trigrams, no match (a)', params: { q: 'report is ready for' } },
  { name: 'q common trigrams, no match (b)', params: { q: 'sha256 size' } },
];

function readArg(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

/** An admin of the bench database and a fresh API key of theirs. */
async function createAdminKey(): Promise<string> {
  await getPrisma().user.upsert({
    where: { id: ADMIN_ID },
    create: { id: ADMIN_ID, name: 'List benchmark', email: ADMIN.email, role: 'admin' },
    update: { role: 'admin' },
  });
  await getPrisma().apiKey.deleteMany({ where: { userId: ADMIN_ID } });
  const { key } = await createApiKey(ADMIN, { name: 'list benchmark' }, NO_AUDIT_CONTEXT);
  return key;
}

interface Answer {
  ms: number;
  status: number;
  code?: string;
  rows?: number;
}

// node:http on one kept-alive connection, as an API client would hold one; fetch (undici)
// alone cost about a millisecond a request here, more than the statement.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function getList(url: string, key: string, params: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const target = `${url}/api/v1/tasks?${new URLSearchParams(params).toString()}`;
  return new Promise((resolve, reject) => {
    const request = http.get(
      target,
      { agent, headers: { authorization: `Bearer ${key}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            data?: unknown[];
            code?: string;
          };
          const ms = performance.now() - started;
          resolve({
            ms,
            status: response.statusCode ?? 0,
            code: body.code,
            rows: body.data?.length,
          });
        });
      },
    );
    request.on('error', reject);
  });
}

async function runRaw(client: pg.Client, params: Record<string, string>): Promise<number> {
  // The very text the route sends, less the SET LOCAL of its timeout.
  const text = inlineValues(buildTaskPageQuery(ADMIN, listTasksQuerySchema.parse(params)));
  const started = performance.now();
  await client.query(text);
  return performance.now() - started;
}

const fmt = (summary: LatencySummary) =>
  `p50 ${summary.p50.toFixed(2)} ms  p95 ${summary.p95.toFixed(2)} ms  max ${summary.max.toFixed(2)} ms`;

async function measureFirstPage(url: string, key: string, raw: pg.Client, runs: number) {
  const http: number[] = [];
  const sql: number[] = [];
  const floor: number[] = [];
  let rows = 0;
  let stopped = 0;
  for (let run = 0; run < WARM_UP_RUNS + runs; run += 1) {
    // Alternated, so all three see the same machine, cache and neighbours.
    const answer = await getList(url, key, {});
    // A timeout set very low stops even the first page now and then: counted, not fatal.
    const timedOut = answer.status === 422 && answer.code === 'search_too_broad';
    if (answer.status !== 200 && !timedOut) {
      throw new BenchSetupError(`the list answered ${answer.status}`);
    }
    const rawMs = await runRaw(raw, {});
    // The same route refusing its query (limit=0, 400) before any statement: the HTTP floor.
    const refused = await getList(url, key, { limit: '0' });
    if (refused.status !== 400) throw new BenchSetupError(`limit=0 answered ${refused.status}`);
    if (run < WARM_UP_RUNS) continue;
    if (timedOut) stopped += 1;
    else rows = answer.rows ?? 0;
    http.push(answer.ms);
    sql.push(rawMs);
    floor.push(refused.ms);
  }
  const httpSummary = summarizeLatencies(http);
  const sqlSummary = summarizeLatencies(sql);
  const ratio = httpSummary.p95 / sqlSummary.p95;
  console.log(`GET /api/v1/tasks, first page (${rows} tasks, as an admin), ${runs} runs each:`);
  console.log(`  HTTP (production web process)  ${fmt(httpSummary)}`);
  console.log(`  raw SQL of its statement (pg)  ${fmt(sqlSummary)}`);
  console.log(`  HTTP floor (limit=0 → 400)     ${fmt(summarizeLatencies(floor))}`);
  if (stopped > 0) console.log(`  ${stopped} of ${runs} pages stopped by the statement timeout`);
  console.log(
    `  ratio p95 ${ratio.toFixed(2)}, p50 ${(httpSummary.p50 / sqlSummary.p50).toFixed(2)}  ${formatVerdict(ratio <= TARGET_RATIO)} (p95 ≤ ${TARGET_RATIO}× raw)\n`,
  );
}

async function measureSlowCombinations(url: string, key: string, raw: pg.Client) {
  const timeoutMs = getEnv().TASK_LIST_STATEMENT_TIMEOUT_MS;
  console.log(
    `Slow combinations through the route (${SLOW_RUNS} runs; statement timeout ${timeoutMs} ms), raw SQL without a timeout:`,
  );
  for (const combination of SLOW_COMBINATIONS) {
    const answers: Answer[] = [];
    for (let run = 0; run < SLOW_RUNS; run += 1) {
      answers.push(await getList(url, key, combination.params));
    }
    const rawMs = await runRaw(raw, combination.params);
    const summary = summarizeLatencies(answers.map((answer) => answer.ms));
    const stopped = answers.every((a) => a.status === 422 && a.code === 'search_too_broad');
    const answered = answers.every((a) => a.status === 200);
    const outcome = stopped
      ? `stopped by the timeout → 422 search_too_broad after p50 ${summary.p50.toFixed(1)} ms`
      : answered
        ? `200 in ${fmt(summary)}`
        : `mixed: ${answers.map((a) => `${a.status} ${a.ms.toFixed(0)} ms`).join(', ')}`;
    const pass = stopped || (answered && summary.p95 <= SLOW_TARGET_MS);
    const filters = new URLSearchParams(combination.params).toString();
    console.log(`  ${combination.name} (${filters})`);
    console.log(`    ${outcome}; raw SQL ${rawMs.toFixed(1)} ms  ${formatVerdict(pass)}`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = parseWholeNumber(readArg(argv, '--count'), 1_000_000, 1, 100_000_000);
  const runs = parseWholeNumber(readArg(argv, '--runs'), 300, 10, 100_000);
  assertProductionBuild();
  // This script configures its own process: the list benchmark's database.
  process.env.DATABASE_URL = LIST_DATABASE_URL;
  process.env.QUEUE_PREFIX = LIST_QUEUE_PREFIX;
  process.env.LOG_LEVEL ||= 'warn';
  if (getEnv().DATABASE_URL !== LIST_DATABASE_URL) throw new Error('env was read too early');
  const state = await ensureListDatabase();
  console.log(`${LIST_DATABASE_NAME}: ${state}.`);
  // No unfinished tasks: they would have no BullMQ jobs, and the web process's reconciler
  // would spend the run repairing them.
  await seedTasks({ databaseUrl: LIST_DATABASE_URL, count, activeShare: 0 });
  const key = await createAdminKey();
  const web = spawnEntry('web', 'dist/server.mjs', {
    DATABASE_URL: LIST_DATABASE_URL,
    QUEUE_PREFIX: LIST_QUEUE_PREFIX,
  });
  const raw = new pg.Client({ connectionString: LIST_DATABASE_URL });
  try {
    const [, url] = await web.waitForLine(/^TASKDECK_URL=(\S+)$/, START_TIMEOUT_MS);
    if (!url) throw new BenchSetupError('web process printed an empty TASKDECK_URL');
    await raw.connect();
    const [total] = (
      await raw.query<{ n: number }>(
        `SELECT reltuples::bigint::int AS n FROM pg_class WHERE relname = 'tasks'`,
      )
    ).rows;
    console.log(`\nAbout ${total?.n ?? '?'} tasks. machine: ${describeMachine()}\n`);
    await measureFirstPage(url, key, raw, runs);
    await measureSlowCombinations(url, key, raw);
  } finally {
    await raw.end().catch(() => undefined);
    agent.destroy();
    await web.stop();
    // The web process's own keys (heartbeats, the reconciler's sentinel), made by this run.
    await deleteRedisKeys(BENCH_SETTINGS.REDIS_URL, LIST_QUEUE_PREFIX);
  }
}

runScript(async () => {
  try {
    await main();
  } finally {
    await closeClients();
  }
});
