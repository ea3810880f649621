// Keys are made by our code, never from raw user input; each driver still refuses a bad one so a
// bug can never reach outside its root directory or bucket prefix.
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function assertSafeKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.split('/').some((part) => part === '..')) {
    throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
  return key;
}

/** Bytes start..end of an object, both inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range to read of an object of `size` bytes: an end past the object is cut to its last byte
 * (as HTTP does); a start past it, or an end before the start, is a caller's bug.
 */
export function checkRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}`);
  }
  if (start >= size) throw new RangeError(`Byte range ${start}-${end} starts past ${size} bytes`);
  return { start, end: Math.min(end, size - 1) };
}
