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
