import type { ByteRange } from '@/server/storage/storage-keys';

// The Range request header (RFC 9110 §14.2), reduced to what a file download answers: one byte
// range, or nothing. Anything the server may ignore (another unit, several ranges, bad syntax)
// is ignored, so the answer is the whole file; only a well-formed single range that misses the
// file is the client's error (416).

/** A header longer than this is no honest single range: ignored, never scanned further. */
export const MAX_RANGE_HEADER_LENGTH = 200;

/**
 * One requested range before the file's size is known. A number past MAX_SAFE_INTEGER cannot be
 * an offset of any file here, so it is Infinity: still well-formed, and compared as "past the end".
 */
export type RangeSpec =
  { kind: 'from'; start: number; end: number } | { kind: 'suffix'; length: number };

const DIGITS = /^[0-9]+$/;

function position(text: string): number | null {
  if (!DIGITS.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Infinity;
}

function parseSpec(text: string): RangeSpec | null {
  const dash = text.indexOf('-');
  if (dash < 0) return null;
  const first = text.slice(0, dash);
  const last = text.slice(dash + 1);
  if (first === '') {
    const length = position(last);
    return length === null ? null : { kind: 'suffix', length };
  }
  const start = position(first);
  if (start === null) return null;
  if (last === '') return { kind: 'from', start, end: Infinity };
  const end = position(last);
  // last-pos before first-pos makes the whole header invalid (§14.1.1), hence ignored.
  if (end === null || end < start) return null;
  return { kind: 'from', start, end };
}

/**
 * The one range a `Range` header asks for, or null when the whole file is the answer: no header,
 * one too long, a unit other than bytes, invalid syntax, or more than one range (RFC 9110 lets a
 * server answer those with 200 and the whole file; we never send multipart/byteranges).
 */
export function parseRangeHeader(header: string | null | undefined): RangeSpec | null {
  if (!header || header.length > MAX_RANGE_HEADER_LENGTH) return null;
  const equals = header.indexOf('=');
  if (equals < 0) return null;
  // Range units are case-insensitive (§14.1); the grammar has no whitespace before the "=".
  if (header.slice(0, equals).trimStart().toLowerCase() !== 'bytes') return null;
  // A list (§5.6.1): optional whitespace around each element; empty elements are skipped.
  const parts = header
    .slice(equals + 1)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length !== 1) return null;
  return parseSpec(parts[0]!);
}

/**
 * The bytes of a file of `size` the range selects (an end past the file cut to its last byte, a
 * suffix longer than the file the whole file), or null when it selects none: a start at or past
 * the end, a zero-length suffix, any range of an empty file (416).
 */
export function resolveRange(spec: RangeSpec, size: number): ByteRange | null {
  if (size <= 0) return null;
  if (spec.kind === 'suffix') {
    if (spec.length === 0) return null;
    return { start: Math.max(0, size - spec.length), end: size - 1 };
  }
  if (spec.start >= size) return null;
  return { start: spec.start, end: Math.min(spec.end, size - 1) };
}
