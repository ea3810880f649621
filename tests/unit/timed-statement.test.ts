import { describe, expect, it } from 'vitest';
import { Prisma } from '@/lib/generated/prisma/client';
import { inlineValues, isQueryCanceled } from '@/server/db/timed-statement';

// The list statement's text: its values written in as literals (one simple-protocol query
// carries the SET LOCAL and the statement). That they read back unchanged from Postgres is
// checked in tests/integration/task-list-statement.test.ts.

describe('inlineValues', () => {
  it('quotes strings, doubling quotes and escaping backslashes', () => {
    expect(inlineValues(Prisma.sql`SELECT ${"it's"} AS a, ${'back\\slash'} AS b`)).toBe(
      `SELECT 'it''s' AS a,  E'back\\\\slash' AS b`,
    );
  });

  it('writes numbers, booleans, null, dates as ISO text and arrays element by element', () => {
    const when = new Date('2001-02-03T04:05:06.789Z');
    expect(
      inlineValues(
        Prisma.sql`SELECT ${26}, ${true}, ${null}, ${when}::timestamptz, ${['a', "b'"]}::text[]`,
      ),
    ).toBe(
      `SELECT 26, TRUE, NULL, '2001-02-03T04:05:06.789Z'::timestamptz, ARRAY['a', 'b''']::text[]`,
    );
  });

  it('refuses a value it cannot write safely', () => {
    expect(() => inlineValues(Prisma.sql`SELECT ${Number.NaN}`)).toThrow(TypeError);
    expect(() => inlineValues(Prisma.sql`SELECT ${{ a: 1 }}`)).toThrow(TypeError);
  });
});

describe('isQueryCanceled', () => {
  it('is true only for SQLSTATE 57014', () => {
    expect(isQueryCanceled({ code: '57014' })).toBe(true);
    expect(isQueryCanceled({ code: '57P01' })).toBe(false);
    expect(isQueryCanceled(new Error('57014'))).toBe(false);
    expect(isQueryCanceled(null)).toBe(false);
  });
});
