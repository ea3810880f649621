import { getPrisma } from '@/server/infra/clients';

// Failed tasks created in [start, end). Both queries are bounded by created_at, which has an
// index, so their cost follows the range, not the table. `error` is JSONB { code, message }.

/** Messages are cut here: a stack trace in a message must not bloat the report. */
const MAX_MESSAGE_LENGTH = 500;

export interface FailureReason {
  type: string;
  code: string;
  count: number;
  lastSeen: Date | null;
  /** The message of the most recent failure with this type and code. */
  sampleMessage: string | null;
}

export interface FailureRecord {
  id: string;
  type: string;
  code: string;
  message: string | null;
  finishedAt: Date | null;
  attempts: number;
}

interface RawReason {
  type: string;
  code: string;
  count: number;
  last_seen: Date | null;
  sample_message: string | null;
}

interface RawRecord {
  id: string;
  type: string;
  code: string;
  message: string | null;
  finished_at: Date | null;
  attempts: number;
}

/** Failures grouped by type and error code, most frequent first. */
export async function readFailureReasons(start: Date, end: Date): Promise<FailureReason[]> {
  // DISTINCT ON picks each group's latest message in one sort, where an ARRAY_AGG would hold
  // every message of a large group in memory.
  const rows = await getPrisma().$queryRaw<RawReason[]>`
    WITH failed AS (
      SELECT type,
             COALESCE(error->>'code', 'unknown') AS code,
             LEFT(error->>'message', ${MAX_MESSAGE_LENGTH}::int) AS message,
             COALESCE(finished_at, updated_at) AS seen_at
      FROM tasks
      WHERE created_at >= ${start} AND created_at < ${end} AND status = 'failed'
    ),
    grouped AS (
      SELECT type, code, COUNT(*)::int AS count, MAX(seen_at) AS last_seen
      FROM failed
      GROUP BY type, code
    ),
    latest AS (
      SELECT DISTINCT ON (type, code) type, code, message
      FROM failed
      ORDER BY type, code, seen_at DESC
    )
    SELECT grouped.type, grouped.code, grouped.count, grouped.last_seen,
           latest.message AS sample_message
    FROM grouped JOIN latest USING (type, code)
    ORDER BY grouped.count DESC, grouped.type, grouped.code`;
  return rows.map((row) => ({
    type: row.type,
    code: row.code,
    count: row.count,
    lastSeen: row.last_seen,
    sampleMessage: row.sample_message,
  }));
}

/** The most recent failures (by when they ended), newest first. */
export async function readRecentFailures(
  start: Date,
  end: Date,
  limit: number,
): Promise<FailureRecord[]> {
  const rows = await getPrisma().$queryRaw<RawRecord[]>`
    SELECT id::text AS id, type,
           COALESCE(error->>'code', 'unknown') AS code,
           LEFT(error->>'message', ${MAX_MESSAGE_LENGTH}::int) AS message,
           finished_at, attempts
    FROM tasks
    WHERE created_at >= ${start} AND created_at < ${end} AND status = 'failed'
    ORDER BY finished_at DESC NULLS LAST, id DESC
    LIMIT ${limit}::int`;
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    code: row.code,
    message: row.message,
    finishedAt: row.finished_at,
    attempts: row.attempts,
  }));
}
