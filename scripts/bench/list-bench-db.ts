import pg from 'pg';
import { BenchSetupError } from './bench-script';
import { BENCH_SUFFIX } from './bench-settings';

// The list benchmark's own database: a million seeded tasks take minutes to make, so it is kept
// between runs, marked as this benchmark's by a comment, and never reset by the other
// benchmarks (which recreate taskdeck_bench<suffix> on every run).

const MARK = 'taskdeck-bench:list';
export const LIST_DATABASE_NAME = `taskdeck_bench_list${BENCH_SUFFIX}`;
export const LIST_DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${LIST_DATABASE_NAME}`;
/** The web process's queue prefix while it serves the list; its keys are removed after. */
export const LIST_QUEUE_PREFIX = `{taskdeck-bench-list${BENCH_SUFFIX.replaceAll('_', '-')}}`;

/** Creates the database (marked) when missing; refuses one this benchmark did not create. */
export async function ensureListDatabase(): Promise<'created' | 'reused'> {
  const admin = new pg.Client({ connectionString: new URL('/postgres', LIST_DATABASE_URL).href });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ mark: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
      [LIST_DATABASE_NAME],
    );
    const [existing] = rows;
    if (existing) {
      if (existing.mark !== MARK) {
        throw new BenchSetupError(
          `The database ${LIST_DATABASE_NAME} exists but was not created by this benchmark; set TASKDECK_BENCH_SUFFIX to use another name.`,
        );
      }
      return 'reused';
    }
    const quoted = admin.escapeIdentifier(LIST_DATABASE_NAME);
    await admin.query(`CREATE DATABASE ${quoted}`);
    await admin.query(`COMMENT ON DATABASE ${quoted} IS ${admin.escapeLiteral(MARK)}`);
    return 'created';
  } finally {
    await admin.end();
  }
}
