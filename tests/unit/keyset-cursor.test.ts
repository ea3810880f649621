import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/server/db/keyset-cursor';

function rawCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeError(raw: string): ValidationError {
  try {
    decodeKeysetCursor(raw);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

function expectRejected(raw: string): void {
  const error = decodeError(raw);
  expect(error.status).toBe(400);
  expect(error.code).toBe('validation_failed');
  expect(error.fieldErrors).toHaveLength(1);
  expect(error.fieldErrors[0]?.path).toBe('cursor');
  expect(error.fieldErrors[0]?.message).toMatch(/nextCursor/);
}

describe('task cursor', () => {
  describe('round trip', () => {
    it('decodes what it encoded', () => {
      const cursor = {
        createdAt: new Date('2026-03-04T05:06:07.089Z'),
        id: '01900000-0000-7000-8000-00000000abcd',
      };
      const decoded = decodeKeysetCursor(encodeKeysetCursor(cursor));
      expect(decoded.id).toBe(cursor.id);
      expect(decoded.createdAt).toBeInstanceOf(Date);
      expect(decoded.createdAt.getTime()).toBe(cursor.createdAt.getTime());
    });

    it('keeps millisecond precision and very old or far-future dates', () => {
      for (const iso of [
        '1970-01-01T00:00:00.000Z',
        '1999-12-31T23:59:59.999Z',
        '2100-06-15T12:00:00.001Z',
      ]) {
        const decoded = decodeKeysetCursor(
          encodeKeysetCursor({ createdAt: new Date(iso), id: 'x' }),
        );
        expect(decoded.createdAt.toISOString()).toBe(iso);
      }
    });

    it('accepts an id of exactly 64 characters and ids with unusual characters', () => {
      for (const id of ['a'.repeat(64), 'with "quotes" and , commas', 'ünïcødé ✓', '']) {
        const createdAt = new Date('2026-01-01T00:00:00.000Z');
        expect(decodeKeysetCursor(encodeKeysetCursor({ createdAt, id })).id).toBe(id);
      }
    });

    it('produces a URL-safe opaque string', () => {
      // Chosen so that plain base64 would contain '+' and '/'.
      const encoded = encodeKeysetCursor({
        createdAt: new Date('2026-01-01T00:00:00.000Z'),
        id: '>>>???~~~',
      });
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(encoded).not.toContain('2026');
    });

    it('encodes the same cursor to the same string', () => {
      const cursor = { createdAt: new Date('2026-01-01T00:00:00.000Z'), id: 'abc' };
      expect(encodeKeysetCursor(cursor)).toBe(encodeKeysetCursor({ ...cursor }));
    });
  });

  describe('malformed cursors', () => {
    it('rejects garbage that is not base64url JSON', () => {
      expectRejected('not-a-cursor');
      expectRejected('!!!');
      expectRejected('');
      expectRejected(Buffer.from('{not json').toString('base64url'));
    });

    it('rejects JSON of the wrong shape', () => {
      expectRejected(rawCursor({ createdAt: '2026-01-01T00:00:00.000Z', id: 'a' }));
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z']));
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', 'a', 'extra']));
      expectRejected(rawCursor([]));
      expectRejected(rawCursor(null));
      expectRejected(rawCursor('2026-01-01T00:00:00.000Z'));
      expectRejected(rawCursor(42));
    });

    it('rejects an id that is not a string', () => {
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', 42]));
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', null]));
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', ['a']]));
    });

    it('rejects a bad date', () => {
      expectRejected(rawCursor(['not a date', 'a']));
      expectRejected(rawCursor(['2026-13-45T99:00:00.000Z', 'a']));
      expectRejected(rawCursor([1_700_000_000_000, 'a']));
      expectRejected(rawCursor([null, 'a']));
      expectRejected(rawCursor([{}, 'a']));
    });

    it("rejects an id the caller's check refuses, and accepts one it allows", () => {
      const raw = rawCursor(['2026-01-01T00:00:00.000Z', 'not-a-uuid']);
      expect(() => decodeKeysetCursor(raw, (id) => id.startsWith('0'))).toThrow(ValidationError);
      expect(decodeKeysetCursor(raw, (id) => id === 'not-a-uuid').id).toBe('not-a-uuid');
    });

    it('rejects an id longer than 64 characters', () => {
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', 'a'.repeat(65)]));
      expectRejected(rawCursor(['2026-01-01T00:00:00.000Z', 'a'.repeat(10_000)]));
    });

    it('throws an error recognisable as a ValidationError with a user-facing message', () => {
      const error = decodeError('garbage');
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.name).toBe('ValidationError');
      expect(error.message).toBe('The cursor is not valid.');
    });
  });
});
