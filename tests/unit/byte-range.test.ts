import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeNotSatisfiableError } from '@/lib/errors';
import {
  MAX_RANGE_HEADER_LENGTH,
  parseRangeHeader,
  resolveRange,
  type RangeSpec,
} from '@/server/http/byte-range';
import { etagOf, ifRangeMatches, lastModifiedOf, rangeChooser } from '@/server/http/download-range';
import type { FileVersion } from '@/server/tasks/task-service';

const from = (start: number, end = Infinity): RangeSpec => ({ kind: 'from', start, end });
const suffix = (length: number): RangeSpec => ({ kind: 'suffix', length });
const HUGE = '9'.repeat(30);

describe('parseRangeHeader', () => {
  it.each<[string, RangeSpec]>([
    ['bytes=0-499', from(0, 499)],
    ['bytes=500-999', from(500, 999)],
    ['bytes=9500-', from(9500)],
    ['bytes=-500', suffix(500)],
    ['bytes=-0', suffix(0)],
    ['bytes=0-0', from(0, 0)],
    ['Bytes=1-2', from(1, 2)],
    ['BYTES=1-2', from(1, 2)],
    [' bytes=1-2 ', from(1, 2)],
    ['bytes= 1-2', from(1, 2)],
    ['bytes=1-2 ,', from(1, 2)],
    ['bytes=,1-2,,', from(1, 2)],
    ['bytes=\t3-4\t', from(3, 4)],
    // Past MAX_SAFE_INTEGER is still a number: past the end of any file.
    [`bytes=0-${HUGE}`, from(0, Infinity)],
    [`bytes=${HUGE}-`, from(Infinity)],
    [`bytes=-${HUGE}`, suffix(Infinity)],
    [`bytes=${Number.MAX_SAFE_INTEGER}-`, from(Number.MAX_SAFE_INTEGER)],
    [`bytes=${Number.MAX_SAFE_INTEGER + 1}-`, from(Infinity)],
    ['bytes=007-010', from(7, 10)],
  ])('%j → one range', (header, expected) => {
    expect(parseRangeHeader(header)).toEqual(expected);
  });

  it.each([
    null,
    undefined,
    '',
    'bytes',
    'bytes=',
    'bytes=,',
    'bytes=-',
    'bytes=--1',
    'bytes=-1-2',
    'bytes=-5-',
    'bytes=5-3',
    'bytes=1 - 2',
    'bytes=1-2-3',
    'bytes=a-b',
    'bytes=1.5-2',
    'bytes=0x10-',
    'bytes=1e3-',
    'bytes=+1-2',
    'bytes =1-2',
    'bytes=١-٢',
    'items=0-1',
    'bits=0-1',
    '=0-1',
    '0-1',
    'bytes:0-1',
    // Several ranges: RFC 9110 lets us answer 200 with the whole file.
    'bytes=0-1,5-6',
    'bytes=0-1, 5-6',
    'bytes=-1,0-',
    `bytes=${'0-1,'.repeat(40)}`,
    `bytes=0-${'1'.repeat(MAX_RANGE_HEADER_LENGTH)}`,
    `bytes=${' '.repeat(MAX_RANGE_HEADER_LENGTH)}0-1`,
  ])('%j is ignored (the whole file)', (header) => {
    expect(parseRangeHeader(header)).toBeNull();
  });

  it('never throws, and what it returns is a well-formed range', () => {
    const header = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 40 }).map((text) => `bytes=${text}`),
      fc
        .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }))
        .map(([a, b]) => `bytes=${a}-${b}`),
    );
    fc.assert(
      fc.property(header, (text) => {
        const spec = parseRangeHeader(text);
        if (spec?.kind === 'from') expect(spec.end).toBeGreaterThanOrEqual(spec.start);
        if (spec?.kind === 'suffix') expect(spec.length).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('resolveRange', () => {
  it.each<[RangeSpec, number, { start: number; end: number } | null]>([
    [from(0, 499), 1000, { start: 0, end: 499 }],
    [from(0, 0), 1, { start: 0, end: 0 }],
    [from(999, 999), 1000, { start: 999, end: 999 }],
    [from(500), 1000, { start: 500, end: 999 }],
    [from(0, Infinity), 1000, { start: 0, end: 999 }],
    [from(10, 5000), 1000, { start: 10, end: 999 }],
    [suffix(100), 1000, { start: 900, end: 999 }],
    [suffix(1000), 1000, { start: 0, end: 999 }],
    [suffix(5000), 1000, { start: 0, end: 999 }],
    [suffix(Infinity), 1000, { start: 0, end: 999 }],
    // Unsatisfiable: a start at or past the end, a zero-length suffix, any range of nothing.
    [from(1000), 1000, null],
    [from(Infinity), 1000, null],
    [suffix(0), 1000, null],
    [from(0, 0), 0, null],
    [from(0), 0, null],
    [suffix(1), 0, null],
  ])('%j of %i bytes → %j', (spec, size, expected) => {
    expect(resolveRange(spec, size)).toEqual(expected);
  });
});

const VERSION: FileVersion = {
  id: '0195f3a4-0000-7000-8000-000000000001',
  sha256: 'ab'.repeat(32),
  modifiedAt: new Date('2026-12-01T10:20:30.456Z'),
};
const ETAG = `"${VERSION.id}-${VERSION.sha256}"`;
const DATE = 'Tue, 01 Dec 2026 10:20:30 GMT';

describe('validators', () => {
  it('makes a strong ETag of the id and digest, and Last-Modified of the creation time', () => {
    expect(etagOf(VERSION)).toBe(ETAG);
    expect(etagOf({ ...VERSION, sha256: null })).toBe(`"${VERSION.id}"`);
    expect(etagOf({ id: null, sha256: null, modifiedAt: null })).toBeNull();
    expect(lastModifiedOf(VERSION)).toBe(DATE);
    expect(lastModifiedOf({ ...VERSION, modifiedAt: null })).toBeNull();
  });

  it.each<[string, boolean]>([
    [ETAG, true],
    [` ${ETAG} `, true],
    [`W/${ETAG}`, false],
    [`"${VERSION.id}"`, false],
    ['"other"', false],
    [DATE, true],
    // RFC 9110 §13.1.5: the date must be exactly Last-Modified, a later one is no match.
    ['Tue, 01 Dec 2026 10:20:31 GMT', false],
    ['Tue, 01 Dec 2026 10:20:29 GMT', false],
    ['2026-12-01T10:20:30Z', false],
    ['', false],
    ['*', false],
  ])('If-Range %j matches: %s', (value, matches) => {
    expect(ifRangeMatches(value, VERSION)).toBe(matches);
  });

  it('never matches a date when the file has no time', () => {
    expect(ifRangeMatches(DATE, { ...VERSION, modifiedAt: null })).toBe(false);
    expect(ifRangeMatches('""', { id: null, sha256: null, modifiedAt: null })).toBe(false);
  });
});

describe('rangeChooser', () => {
  const choose = (headers: Record<string, string>, size = 1000) =>
    rangeChooser(new Headers(headers))({ size, version: VERSION });

  it('reads the one range asked for, or the whole file', () => {
    expect(choose({})).toBeNull();
    expect(choose({ range: 'bytes=10-19' })).toEqual({ start: 10, end: 19 });
    expect(choose({ range: 'bytes=0-1,5-6' })).toBeNull();
    expect(choose({ range: 'items=0-1' })).toBeNull();
  });

  it('honours the range only under a matching If-Range', () => {
    expect(choose({ range: 'bytes=10-', 'if-range': ETAG })).toEqual({ start: 10, end: 999 });
    expect(choose({ range: 'bytes=10-', 'if-range': DATE })).toEqual({ start: 10, end: 999 });
    expect(choose({ range: 'bytes=10-', 'if-range': '"stale"' })).toBeNull();
    // A stale If-Range makes even an unsatisfiable range the whole file, not a 416.
    expect(choose({ range: 'bytes=5000-', 'if-range': '"stale"' })).toBeNull();
    expect(choose({ 'if-range': ETAG })).toBeNull();
  });

  it('refuses a range past the end with the size for Content-Range', () => {
    expect(() => choose({ range: 'bytes=1000-' })).toThrow(RangeNotSatisfiableError);
    expect(() => choose({ range: 'bytes=-0' })).toThrow(RangeNotSatisfiableError);
    expect(() => choose({ range: 'bytes=0-' }, 0)).toThrow(RangeNotSatisfiableError);
    try {
      choose({ range: `bytes=${HUGE}-` }, 1234);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 416, size: 1234, code: 'range_not_satisfiable' });
    }
  });
});
