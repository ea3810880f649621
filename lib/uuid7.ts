import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * RFC 9562 UUIDv7: time-ordered, so new rows land at the end of the primary key index
 * instead of scattering across it like v4 ids. Ids made by one process are also strictly
 * increasing within a millisecond (method 1 of the RFC: a 12-bit counter; past 4096 ids in
 * one millisecond they fall back to random order), so rows such as
 * log lines sort in the order they were made.
 */
export function uuid7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  if (now === lastMs && counter < 0xfff) {
    counter += 1;
  } else {
    // A new millisecond (or a clock that stepped back): start the count again, a little
    // randomly, leaving room to count up.
    lastMs = now;
    counter = (bytes[6] ?? 0) & 0x0f;
  }
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
