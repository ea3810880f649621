import { describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import { isWithinCalendar } from '@/lib/validation/calendar';
import { findUnsafeInput, rejectUnsafeInput } from '@/lib/validation/safe-input';
import { replaceInputRefusal } from '@/server/infra/input-errors';

describe('the input check every edge runs', () => {
  it('finds NUL and lone surrogates in values and keys, with their path', () => {
    expect(findUnsafeInput({ a: ['ok', 'x\u0000'] })).toMatchObject({ path: 'a.1' });
    expect(findUnsafeInput({ b: { '\uD800': 1 } })).toMatchObject({ path: 'b.\uD800' });
    expect(findUnsafeInput(['\uDC00'])).toMatchObject({ path: '0' });
    const form = new FormData();
    form.set('name', 'a\u0000');
    expect(findUnsafeInput([form])).toMatchObject({ path: '0.name' });
  });

  it('passes ordinary text, surrogate pairs and non-text values', () => {
    expect(findUnsafeInput({ emoji: '💥', n: 1, none: null, list: [true, 'é'] })).toBeNull();
  });

  it('refuses nesting past 32 levels', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 40; level++) deep = [deep];
    expect(() => rejectUnsafeInput(deep)).toThrow(/Nested more than 32/);
  });
});

describe('dates and database refusals', () => {
  it('keeps dates within years 1 to 9999', () => {
    expect(isWithinCalendar(new Date('0000-01-01T00:00:00Z'))).toBe(false);
    expect(isWithinCalendar(new Date('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isWithinCalendar(new Date('9999-12-31T23:59:59-05:00'))).toBe(false);
    expect(isWithinCalendar(new Date('nope'))).toBe(false);
  });

  it('turns what PostgreSQL refuses about the input into 4xx, and leaves other errors alone', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    const statusOf = (error: unknown) => {
      const replaced = replaceInputRefusal(error, {});
      return isAppError(replaced) ? replaced.status : 'passed';
    };
    expect(statusOf(pgError('22021'))).toBe(400);
    expect(statusOf(pgError('22008'))).toBe(400);
    expect(statusOf(pgError('23503'))).toBe(409);
    expect(statusOf(Object.assign(new Error('gone'), { code: 'P2025' }))).toBe(404);
    const adapter = Object.assign(new Error('wrapped'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '22P02' } } },
    });
    expect(statusOf(adapter)).toBe(400);
    expect(statusOf(pgError('42P01'))).toBe('passed');
    expect(statusOf(new TypeError('a bug'))).toBe('passed');
  });
});
