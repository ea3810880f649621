import { createHash, randomBytes } from 'node:crypto';

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
  return formatUuid7(bytes);
}

/**
 * A UUIDv7 for time `ms` whose other bits come from `seed`: the same seed and time always give
 * the same id. A schedule's run uses it, so a run created twice (two processes, a retried
 * job) collides on the primary key instead of running twice.
 */
export function uuid7From(ms: number, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  return formatUuid7(bytes);
}

function formatUuid7(bytes: Buffer): string {
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
