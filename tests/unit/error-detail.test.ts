import { describe, expect, it } from 'vitest';
import { PermanentTaskError } from '@/lib/errors';
import {
  describeError,
  describeErrorDetail,
  ERROR_DETAIL_MAX_BYTES,
} from '@/server/attempts/attempt-errors';

// What admins see of a failed attempt: the stack and every cause, bounded; the owner's view
// (describeError) stays the code and message.

function failDeep(): Error {
  const root = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), {
    code: 'ECONNREFUSED',
  });
  const middle = new Error('could not read the report rows', { cause: root });
  return new PermanentTaskError('report_failed', 'The report could not be made.', {
    cause: middle,
  });
}

describe('describeErrorDetail', () => {
  it('holds the stack, then each cause with its code, in order', () => {
    const detail = describeErrorDetail(failDeep());
    const lines = detail.split('\n');
    expect(lines[0]).toBe(
      'PermanentTaskError: The report could not be made. [code: report_failed]',
    );
    expect(lines[1]).toMatch(/^\s+at /);
    const middle = detail.indexOf('Caused by: Error: could not read the report rows');
    const root = detail.indexOf(
      'Caused by: Error: connect ECONNREFUSED 10.0.0.7:5432 [code: ECONNREFUSED]',
    );
    expect(middle).toBeGreaterThan(0);
    expect(root).toBeGreaterThan(middle);
    expect(detail).toContain('error-detail.test.ts');
  });

  it('the owner view names no stack and no host', () => {
    const view = describeError(failDeep());
    expect(JSON.stringify(view)).not.toMatch(/\sat |10\.0\.0\.7/);
  });

  it('stops at a circular chain and says so', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const detail = describeErrorDetail(a);
    expect(detail).toContain('Caused by: Error: b');
    expect(detail.endsWith('Caused by: … (chain cut)')).toBe(true);
  });

  it('is at most 16 KiB of UTF-8 however long the message, and never splits a character', () => {
    const detail = describeErrorDetail(new Error('ä'.repeat(20_000)));
    expect(Buffer.byteLength(detail)).toBeLessThanOrEqual(ERROR_DETAIL_MAX_BYTES);
    expect(detail).toMatch(/… \(cut at 16 KiB\)$/);
    expect(detail).not.toContain('\uFFFD');
  });

  it('describes what is thrown that is not an Error', () => {
    expect(describeErrorDetail('plain text')).toBe('plain text');
    expect(describeErrorDetail({ reason: 'x' })).toBe('Non-error thrown: {"reason":"x"}');
  });
});
