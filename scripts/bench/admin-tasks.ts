import { getEnv } from '@/lib/env';
import { Prisma } from '@/lib/generated/prisma/client';
import type { UserPrincipal } from '@/server/auth/principal';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { buildTaskPageQuery, listTasks, type TaskListFilters } from '@/server/tasks/task-search';
import {
  COMMON_SEARCH_TERM,
  DEFAULT_SEED_DATABASE_URL,
  RARE_SEARCH_TERM,
  seedTasks,
} from '../seed-tasks';
import { describeMachine } from './bench-machine';
import { runScript } from './bench-script';
import { formatVerdict } from './bench-stats';
import { describePlan, hasSeqScan, type ExplainOutput } from './explain-plan';

// The admin task list at scale: `npm run bench:tasks [-- --count 1000000 --runs 200]`.
// Seeds DATABASE_URL (the benchmark database by default) up to --count tasks, then times the
// listing service in process, as an admin, for each kind of filter: server time only, the
// same call the /admin/tasks page and GET /api/v1/tasks make. Target: p95 < 50 ms for the
// first page and a filtered page.

const TARGET_P95_MS = 50;
const PAGE_SIZE = 50;
const WARM_UP_RUNS = 20;

const ADMIN: UserPrincipal = {
  kind: 'user',
  userId: 'bench-admin',
  email: 'bench-admin@example.test',
  role: 'admin',
  via: 'session',
};

interface Scenario {
  name: string;
  filters: TaskListFilters;
  /** Judged against the target. */
  target?: boolean;
  principal?: UserPrincipal;
}

function readNumberArg(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  const value = index === -1 ? fallback : Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number`);
  return value;
}

/** Nearest rank: always a value that was observed. */
function percentile(sorted: number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

async function timeRuns(scenario: Scenario, runs: number): Promise<number[]> {
  const principal = scenario.principal ?? ADMIN;
  for (let run = 0; run < WARM_UP_RUNS; run += 1) await listTasks(principal, scenario.filters);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await listTasks(principal, scenario.filters);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

async function explain(scenario: Scenario): Promise<{ plan: string; seqScan: boolean }> {
  const query = buildTaskPageQuery(scenario.principal ?? ADMIN, scenario.filters);
  const [row] = await getPrisma().$queryRaw<Array<{ 'QUERY PLAN': ExplainOutput[] }>>(
    Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`,
  );
  const output = row?.['QUERY PLAN'][0];
  if (!output) return { plan: '(no plan)', seqScan: false };
  return { plan: describePlan(output.Plan), seqScan: hasSeqScan(output.Plan) };
}

/** The cursor of page `page` (1-based), walked to as a reader clicking Next would. */
async function cursorOfPage(page: number): Promise<string> {
  let cursor: string | undefined;
  for (let index = 1; index < page; index += 1) {
    const result = await listTasks(ADMIN, { limit: PAGE_SIZE, cursor });
    if (!result.nextCursor) throw new Error(`there is no page ${page}`);
    cursor = result.nextCursor;
  }
  if (!cursor) throw new Error('page must be 2 or more');
  return cursor;
}

async function buildScenarios(): Promise<Scenario[]> {
  const limit = PAGE_SIZE;
  const [sample] = await getPrisma().$queryRaw<Array<{ id: string; owner_id: string }>>`
    SELECT id, owner_id FROM tasks WHERE owner_id IS NOT NULL
    ORDER BY created_at DESC OFFSET 5000 LIMIT 1`;
  if (!sample) throw new Error('the database has too few tasks to benchmark');
  const owner = await getPrisma().user.findUniqueOrThrow({ where: { id: sample.owner_id } });
  const day = 86_400_000;
  const windowStart = new Date(Date.now() - 30 * day);
  const range = {
    from: windowStart.toISOString(),
    to: new Date(windowStart.getTime() + day).toISOString(),
  };
  const user: UserPrincipal = { ...ADMIN, userId: owner.id, email: owner.email, role: 'user' };
  return [
    { name: 'first page', filters: { limit }, target: true },
    { name: 'status=failed', filters: { limit, status: 'failed' }, target: true },
    { name: 'status=running,queued', filters: { limit, status: ['running', 'queued'] } },
    { name: 'type=email.send', filters: { limit, type: 'email.send' } },
    { name: `owner=${owner.email}`, filters: { limit, owner: owner.email } },
    { name: 'queue=maintenance', filters: { limit, queue: 'maintenance' } },
    { name: 'created in one day', filters: { limit, ...range } },
    {
      name: 'type=email.send queue=reports (none)',
      filters: { limit, type: 'email.send', queue: 'reports' },
    },
    {
      name: 'status=failed type=file.process',
      filters: { limit, status: 'failed', type: 'file.process' },
    },
    {
      name: 'status=cancelled queue=reports 1 day',
      filters: { limit, status: 'cancelled', queue: 'reports', ...range },
    },
    { name: `q=${COMMON_SEARCH_TERM} (common)`, filters: { limit, q: COMMON_SEARCH_TERM } },
    { name: `q=${RARE_SEARCH_TERM} (rare)`, filters: { limit, q: RARE_SEARCH_TERM } },
    { name: 'q=<task id>', filters: { limit, q: sample.id } },
    { name: 'page 20 (cursor)', filters: { limit, cursor: await cursorOfPage(20) } },
    { name: 'a user: own first page', filters: { limit }, principal: user },
  ];
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = readNumberArg(argv, '--count', 1_000_000);
  const runs = readNumberArg(argv, '--runs', 200);
  // This script configures its own process: the benchmark database unless told otherwise.
  process.env.DATABASE_URL ||= DEFAULT_SEED_DATABASE_URL;
  process.env.LOG_LEVEL ||= 'warn';
  const databaseUrl = process.env.DATABASE_URL;
  if (getEnv().DATABASE_URL !== databaseUrl) throw new Error('the environment was read too early');
  await seedTasks({ databaseUrl, count });
  const [total] = await getPrisma().$queryRaw<Array<{ n: number }>>`
    SELECT reltuples::bigint::int AS n FROM pg_class WHERE relname = 'tasks'`;

  console.log(`\nAdmin task list: ${runs} runs per scenario after ${WARM_UP_RUNS} to warm up,`);
  console.log(`${PAGE_SIZE} tasks a page, about ${total?.n ?? '?'} tasks in the table.`);
  console.log(`machine: ${describeMachine()}\n`);
  const scenarios = await buildScenarios();
  const header = `${pad('scenario', 40)} ${pad('rows', 5)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('max ms', 8)} verdict`;
  console.log(header);
  console.log('-'.repeat(header.length));
  const plans: string[] = [];
  let seqScans = 0;
  for (const scenario of scenarios) {
    const rows = (await listTasks(scenario.principal ?? ADMIN, scenario.filters)).data.length;
    const samples = await timeRuns(scenario, runs);
    const p95 = percentile(samples, 95);
    const verdict = scenario.target
      ? `${formatVerdict(p95 < TARGET_P95_MS)} (p95 < ${TARGET_P95_MS} ms)`
      : '';
    console.log(
      `${pad(scenario.name, 40)} ${pad(String(rows), 5)} ${pad(percentile(samples, 50).toFixed(2), 8)} ${pad(p95.toFixed(2), 8)} ${pad((samples.at(-1) ?? 0).toFixed(2), 8)} ${verdict}`,
    );
    const { plan, seqScan } = await explain(scenario);
    if (seqScan) seqScans += 1;
    plans.push(`${pad(scenario.name, 40)} ${plan}`);
  }
  console.log('\nPlans (EXPLAIN ANALYZE of the query picking the page):');
  for (const line of plans) console.log(line);
  console.log(
    seqScans === 0
      ? '\nNo scenario scans the whole table.'
      : `\n${seqScans} scenario(s) scan the whole table.`,
  );
}

runScript(async () => {
  try {
    await main();
  } finally {
    await closeClients();
  }
});
