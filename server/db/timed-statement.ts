import { getPgPool } from '@/server/infra/clients';

// One read statement under its own statement timeout, on the pool Prisma also uses. Postgres
// only honours a timeout that is set before the statement starts, and SET LOCAL only inside a
// transaction, so this is three round trips on one connection: BEGIN with the SET (one simple
// query), the statement with its parameters, COMMIT. On this machine the two extra round trips
// cost about 0.1 ms; a session-wide SET would leak the timeout to every other query of the pool.

/** SQLSTATE query_canceled: the statement timeout (or a cancel request) stopped the statement. */
const QUERY_CANCELED = '57014';

export function isQueryCanceled(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === QUERY_CANCELED
  );
}

export interface TimedStatement {
  text: string;
  values: unknown[];
  timeoutMs: number;
}

/** Runs the statement; a timeout rejects with Postgres's own error (code 57014). */
export async function runTimedStatement<Row>(statement: TimedStatement): Promise<Row[]> {
  const timeoutMs = Math.max(1, Math.floor(statement.timeoutMs));
  const client = await getPgPool().connect();
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}`);
  } catch (error) {
    // A connection that cannot even begin is not given back to the pool.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  try {
    const result = await client.query({ text: statement.text, values: statement.values });
    await client.query('COMMIT');
    client.release();
    return result.rows as Row[];
  } catch (error) {
    await client.query('ROLLBACK').then(
      () => client.release(),
      (rollbackError: Error) => client.release(rollbackError),
    );
    throw error;
  }
}
