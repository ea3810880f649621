import pg from 'pg';
import { migrateDatabase } from '@/server/db/migrate';
import { listTaskTypes } from '@/server/tasks/registry';
import { isEntryPoint, runScript } from './bench/bench-script';

// Fills a database with many realistic tasks, for the admin task list's figures:
//   npx tsx scripts/seed-tasks.ts [--count 1000000] [--reset] [--force]
// Into DATABASE_URL, by default the benchmark database (created and migrated when missing).
// Tops the table up to --count tasks (--reset empties it first), set-based: one
// INSERT … SELECT generate_series per batch, so a million rows take a minute or so, not hours.

export const DEFAULT_SEED_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/taskdeck_bench';
const BATCH_ROWS = 100_000;
const USER_COUNT = 50;
const DAYS = 90;
/** A share of tasks is recent and unfinished: queued, running, delayed, retrying, cancelling. */
const ACTIVE_SHARE = 0.015;
const ACTIVE_WINDOW_HOURS = 6;

/** Terms the payload search benchmark looks for: in about 1 of 7 tasks, and in about 50 of 1M. */
export const COMMON_SEARCH_TERM = 'invoices';
export const RARE_SEARCH_TERM = 'quokka';
const RARE_SHARE = 0.00005;

const TYPE_WEIGHTS: Record<string, number> = {
  'file.process': 35,
  'report.generate': 30,
  'email.send': 20,
  'diagnostics.simulate': 10,
  'diagnostics.stall': 3,
  'maintenance.cleanup': 1,
};

/** [value, weight] pairs as values plus the cumulative thresholds width_bucket picks with. */
function weighted(pairs: ReadonlyArray<readonly [string, number]>): {
  values: string[];
  thresholds: number[];
} {
  const total = pairs.reduce((sum, [, weight]) => sum + weight, 0);
  let running = 0;
  const thresholds = pairs.slice(0, -1).map(([, weight]) => (running += weight) / total);
  return { values: pairs.map(([value]) => value), thresholds };
}

const pickSql = (column: string, name: string) =>
  `(${name}_values)[width_bucket(${column}, ${name}_thresholds) + 1]`;

// Every random draw is a column of `draws`, so the derived columns below agree with each other.
const INSERT_SQL = `
WITH params AS (
  SELECT $2::text[] AS type_values, $3::float8[] AS type_thresholds, $4::text[] AS type_queues,
         $5::text[] AS status_values, $6::float8[] AS status_thresholds,
         $7::text[] AS active_values, $8::float8[] AS active_thresholds,
         $9::text[] AS owners, $10::text[] AS stems, $11::text[] AS extensions,
         $12::float8 AS active_share
), draws AS (
  SELECT random() AS r_active, random() AS r_time, random() AS r_status, random() AS r_type,
         random() AS r_owner, random() AS r_prio, random() AS r_a, random() AS r_b,
         random() AS r_c, random() AS r_rare
  FROM generate_series(1, $1::int)
), shaped AS (
  SELECT d.*, p.*,
    ${pickSql('d.r_type', 'type')} AS type,
    p.type_queues[width_bucket(d.r_type, p.type_thresholds) + 1] AS queue,
    CASE WHEN d.r_active < p.active_share
      THEN now() - d.r_time * interval '${ACTIVE_WINDOW_HOURS} hours'
      ELSE now() - interval '${ACTIVE_WINDOW_HOURS} hours' - d.r_time * interval '${DAYS} days'
    END AS created_at,
    CASE WHEN d.r_active < p.active_share THEN ${pickSql('d.r_status', 'active')}
      ELSE ${pickSql('d.r_status', 'status')} END AS status,
    p.owners[1 + floor(power(d.r_owner, 2) * array_length(p.owners, 1))::int] AS owner_id
  FROM draws d CROSS JOIN params p
), timed AS (
  SELECT s.*,
    CASE WHEN s.status IN ('queued', 'delayed') THEN NULL
      ELSE s.created_at + s.r_a * interval '5 seconds' END AS started_at,
    CASE s.type WHEN 'file.process' THEN 0.5 + s.r_b * 40 WHEN 'report.generate' THEN 1 + s.r_b * 20
      WHEN 'email.send' THEN 0.2 + s.r_b * 3 ELSE 0.1 + s.r_b * 60 END AS seconds,
    s.stems[1 + floor(power(s.r_c, 2) * array_length(s.stems, 1))::int] AS stem,
    s.extensions[1 + floor(s.r_a * array_length(s.extensions, 1))::int] AS ext,
    (ARRAY['activity', 'failures', 'durations'])[1 + floor(s.r_b * 3)::int] AS kind
  FROM shaped s
)
INSERT INTO tasks (id, type, queue, status, priority, progress, progress_message, payload, error,
  attempts, max_attempts, revision, owner_id, created_at, updated_at, started_at, finished_at)
SELECT
  -- A UUIDv7 of the creation time, as the app makes them.
  (lpad(to_hex((extract(epoch FROM t.created_at) * 1000)::bigint), 12, '0') || '7'
    || substr(md5(t.r_a::text || t.r_b::text), 1, 3) || to_hex(8 + floor(t.r_c * 4)::int)
    || substr(md5(t.r_c::text || t.r_time::text), 1, 15))::uuid,
  t.type, t.queue, t.status::task_status,
  (CASE WHEN t.r_prio < 0.1 THEN 'low' WHEN t.r_prio < 0.9 THEN 'normal'
    WHEN t.r_prio < 0.98 THEN 'high' ELSE 'urgent' END)::task_priority,
  CASE t.status WHEN 'succeeded' THEN 100 WHEN 'queued' THEN 0 WHEN 'delayed' THEN 0
    ELSE floor(t.r_b * 100)::int END,
  CASE t.status WHEN 'succeeded' THEN 'Done' WHEN 'running' THEN 'Working…' ELSE NULL END,
  CASE t.type
    WHEN 'report.generate' THEN jsonb_build_object('kind', t.kind,
      'format', CASE WHEN t.r_c < 0.6 THEN 'csv' ELSE 'pdf' END,
      'from', to_char(t.created_at - floor(1 + t.r_a * 60) * interval '1 day', 'YYYY-MM-DD'),
      'to', to_char(t.created_at, 'YYYY-MM-DD'))
    WHEN 'file.process' THEN jsonb_build_object('file', jsonb_build_object(
      'name', CASE WHEN t.r_rare < ${RARE_SHARE} THEN '${RARE_SEARCH_TERM}-field-notes.txt'
        ELSE t.stem || '-' || to_char(t.created_at, 'YYYY-MM') || '.' || t.ext END,
      'size', floor(t.r_b * 50000000)::bigint, 'sha256', md5(t.r_b::text) || md5(t.r_c::text),
      'type', CASE t.ext WHEN 'csv' THEN 'text/csv' WHEN 'jpg' THEN 'image/jpeg'
        ELSE 'application/pdf' END,
      'kind', CASE t.ext WHEN 'csv' THEN 'csv' WHEN 'jpg' THEN 'image' ELSE 'binary' END,
      'label', CASE t.ext WHEN 'csv' THEN 'CSV' WHEN 'jpg' THEN 'JPEG image' ELSE 'PDF document' END,
      'declaredType', CASE t.ext WHEN 'csv' THEN 'text/csv' WHEN 'jpg' THEN 'image/jpeg'
        ELSE 'application/pdf' END))
    WHEN 'email.send' THEN jsonb_build_object('to', t.owner_id || '@example.test',
      'subject', 'Your ' || t.kind || ' report is ready',
      'text', 'Hello, the ' || t.stem || ' file you asked about has been processed.')
    WHEN 'diagnostics.simulate' THEN jsonb_build_object('steps', 1 + floor(t.r_a * 50)::int,
      'stepMs', floor(t.r_b * 500)::int)
    WHEN 'diagnostics.stall' THEN jsonb_build_object('durationMs', floor(t.r_b * 20000)::int)
    WHEN 'maintenance.cleanup' THEN jsonb_build_object('olderThanDays', 30)
    ELSE '{}'::jsonb END,
  CASE WHEN t.status = 'failed' THEN jsonb_build_object('code',
    (ARRAY['timeout', 'smtp_unavailable', 'invalid_csv', 'simulated_failure'])[1 + floor(t.r_c * 4)::int],
    'message', 'The task failed after its last attempt.') END,
  CASE WHEN t.status = 'failed' THEN 3 WHEN t.started_at IS NULL THEN 0 ELSE 1 END,
  3,
  CASE WHEN t.started_at IS NULL THEN 1 WHEN t.status IN ('running') THEN 2 ELSE 3 END,
  t.owner_id, t.created_at,
  COALESCE(t.started_at + t.seconds * interval '1 second', t.created_at),
  t.started_at,
  CASE WHEN t.status IN ('succeeded', 'failed', 'cancelled')
    THEN t.started_at + t.seconds * interval '1 second' END
FROM timed t`;

export interface SeedOptions {
  databaseUrl: string;
  count: number;
  reset?: boolean;
  force?: boolean;
  /**
   * The share of recent unfinished tasks (default 1.5 %). 0 for a database a web process will
   * serve: unfinished tasks without BullMQ jobs would keep its reconciler busy repairing them.
   */
  activeShare?: number;
  log?: (line: string) => void;
}

function describeDatabase(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

async function insertUsers(client: pg.Client): Promise<string[]> {
  const ids = Array.from(
    { length: USER_COUNT },
    (_, index) => `seed-user-${String(index + 1).padStart(2, '0')}`,
  );
  await client.query(
    `INSERT INTO users (id, name, email, email_verified, role)
     SELECT id, 'Seeded ' || id, id || '@example.test', true, 'user' FROM unnest($1::text[]) AS id
     ON CONFLICT DO NOTHING`,
    [ids],
  );
  return ids;
}

/** Seeds up to `count` tasks; returns how many it inserted. */
export async function seedTasks(options: SeedOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const name = describeDatabase(options.databaseUrl);
  if (name === 'taskdeck' && !options.force) {
    throw new Error('Refusing to seed the database named taskdeck (pass --force to do it anyway).');
  }
  await migrateDatabase(options.databaseUrl);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    if (options.reset) {
      await client.query('TRUNCATE tasks CASCADE');
      log(`Emptied tasks in ${name}.`);
    }
    const owners = await insertUsers(client);
    const [existing] = (await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM tasks'))
      .rows;
    const missing = Math.max(0, options.count - (existing?.n ?? 0));
    if (missing === 0) {
      log(`${name} already has ${existing?.n ?? 0} tasks; nothing to seed.`);
      return 0;
    }
    const types = listTaskTypes();
    const typePick = weighted(types.map((type) => [type.name, TYPE_WEIGHTS[type.name] ?? 1]));
    const queues = typePick.values.map(
      (typeName) => types.find((type) => type.name === typeName)?.defaults.queue ?? 'default',
    );
    const statusPick = weighted([
      ['succeeded', 85],
      ['failed', 9],
      ['cancelled', 6],
    ]);
    const activePick = weighted([
      ['queued', 40],
      ['running', 30],
      ['delayed', 15],
      ['retrying', 10],
      ['cancelling', 5],
    ]);
    const stems = [COMMON_SEARCH_TERM, 'customers', 'orders', 'payroll', 'inventory'].concat(
      ['survey-results', 'expenses', 'leads', 'shipments', 'timesheets', 'receipts'],
      ['budget-forecast', 'contracts', 'vendor-list', 'churn-analysis', 'warehouse-audit'],
    );
    // Repeatable data: the same seed gives the same spread on every run.
    await client.query('SELECT setseed(0.42)');
    log(`Seeding ${missing} tasks into ${name} (${existing?.n ?? 0} there already)…`);
    const started = performance.now();
    for (let done = 0; done < missing;) {
      const rows = Math.min(BATCH_ROWS, missing - done);
      const batchStarted = performance.now();
      await client.query(INSERT_SQL, [
        rows,
        typePick.values,
        typePick.thresholds,
        queues,
        statusPick.values,
        statusPick.thresholds,
        activePick.values,
        activePick.thresholds,
        owners,
        stems,
        ['csv', 'csv', 'csv', 'jpg', 'pdf'],
        options.activeShare ?? ACTIVE_SHARE,
      ]);
      done += rows;
      const seconds = (performance.now() - batchStarted) / 1000;
      log(`  ${done}/${missing}  (${Math.round(rows / seconds)} rows/s)`);
    }
    const insertSeconds = (performance.now() - started) / 1000;
    log('VACUUM ANALYZE tasks…');
    await client.query('VACUUM (ANALYZE) tasks');
    const totalSeconds = (performance.now() - started) / 1000;
    log(
      `Seeded ${missing} tasks in ${totalSeconds.toFixed(1)} s: ${Math.round(missing / insertSeconds)} rows/s inserting, then ${(totalSeconds - insertSeconds).toFixed(1)} s to vacuum and analyze.`,
    );
    return missing;
  } finally {
    await client.end();
  }
}

function readArgs(argv: string[]): { count: number; reset: boolean; force: boolean } {
  const countIndex = argv.indexOf('--count');
  const count = countIndex === -1 ? 1_000_000 : Number(argv[countIndex + 1]);
  if (!Number.isInteger(count) || count < 0) throw new Error('--count takes a whole number');
  return { count, reset: argv.includes('--reset'), force: argv.includes('--force') };
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const args = readArgs(process.argv.slice(2));
    const databaseUrl = process.env.DATABASE_URL || DEFAULT_SEED_DATABASE_URL;
    await seedTasks({ databaseUrl, ...args });
  });
}
