import type { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { PayloadTooLargeError } from '@/lib/errors';

// Shared by both drivers: the size limit and the digest are applied to the bytes on their way
// to the store, so neither needs the whole body in memory.

/** Counts bytes and stops the write past the limit. */
export function limitBytes(maxBytes: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) callback(new PayloadTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
}

/** Hashes and counts bytes, so the digest and size are of exactly what was stored. */
export function measureBytes(hash: ReturnType<typeof createHash>): Transform & { bytes: number } {
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      transform.bytes += chunk.length;
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  transform.bytes = 0;
  return transform;
}
