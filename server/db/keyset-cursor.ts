import { ValidationError } from '@/lib/errors';

// Keyset pagination over (created_at DESC, id DESC), for any table ordered that way:
// opaque to clients, stable under inserts.

export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString(
    'base64url',
  );
}

/** `isValidId` narrows ids to the table's key type (a uuid column must not see 'abc'). */
export function decodeKeysetCursor(
  raw: string,
  isValidId: (id: string) => boolean = () => true,
): KeysetCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [createdAt, id] = value as unknown[];
      const date = typeof createdAt === 'string' ? new Date(createdAt) : null;
      if (
        date &&
        !Number.isNaN(date.getTime()) &&
        typeof id === 'string' &&
        id.length <= 64 &&
        isValidId(id)
      ) {
        return { createdAt: date, id };
      }
    }
  } catch {
    // Reported below like any other malformed cursor.
  }
  throw new ValidationError('The cursor is not valid.', [
    { path: 'cursor', message: 'Use the nextCursor value of a previous page.' },
  ]);
}

/**
 * The where-clause for rows after the cursor, for a query ordered by (created_at DESC, id DESC).
 * The redundant lte bound lets Postgres start the index scan at the cursor; `createdAt` merges
 * with other bounds on the same column.
 */
export function rowsAfter(
  cursor: KeysetCursor,
  createdAt: { gte?: Date; lt?: Date } = {},
): { createdAt: { gte?: Date; lt?: Date; lte: Date }; OR: object[] } {
  return {
    createdAt: { ...createdAt, lte: cursor.createdAt },
    OR: [
      { createdAt: { lt: cursor.createdAt } },
      { createdAt: cursor.createdAt, id: { lt: cursor.id } },
    ],
  };
}

/** Cuts a page from rows fetched with `take: limit + 1`; the extra row says there is more. */
export function toKeysetPage<Row extends KeysetCursor, View>(
  rows: Row[],
  limit: number,
  toView: (row: Row) => View,
): { data: View[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toView),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor(last) : null,
  };
}
