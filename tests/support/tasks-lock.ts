import pg from 'pg';

// Makes a list's statement timeout strike for real: another connection holds a lock on tasks
// that every read of the table waits for, and statement_timeout counts that wait.

export interface TasksLock {
  /** Lets go (idempotent); reads that waited go on. */
  release(): Promise<void>;
}

/** Locks tasks until release(), or at the latest after releaseAfterMs. */
export async function lockTasksTable(
  databaseUrl: string,
  releaseAfterMs: number,
): Promise<TasksLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
  let released: Promise<void> | null = null;
  const release = () =>
    (released ??= (async () => {
      clearTimeout(timer);
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    })());
  // Lets the rest of a page render (its other reads of tasks wait for the lock too).
  const timer = setTimeout(() => void release(), releaseAfterMs);
  return { release };
}

/** Runs work while tasks is locked, then lets go. */
export async function whileTasksLocked<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockTasksTable(databaseUrl, 30_000);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
