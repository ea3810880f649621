import { createHash } from 'node:crypto';
import { PermanentTaskError } from '@/lib/errors';
import type { Storage } from '@/server/storage/storage';

/** How often a long read reports progress. */
const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

/**
 * Reads the whole file again to hash it, checking it is still the file that was uploaded:
 * storage that corrupted or truncated it fails the task instead of passing bad data on.
 */
export async function digestFile(options: {
  storage: Storage;
  key: string;
  expectedSha256: string;
  signal: AbortSignal;
  onProgress(bytesRead: number, totalBytes: number): void;
}): Promise<{ sha256: string; size: number }> {
  const { stream, size } = await options.storage.read(options.key);
  const hash = createHash('sha256');
  let read = 0;
  let reported = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal.throwIfAborted();
      hash.update(chunk);
      read += chunk.length;
      if (read - reported >= PROGRESS_EVERY_BYTES) {
        reported = read;
        options.onProgress(read, size);
      }
    }
  } finally {
    stream.destroy();
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== options.expectedSha256) {
    throw new PermanentTaskError(
      'checksum_mismatch',
      'The stored file no longer matches the upload (SHA-256 differs).',
    );
  }
  return { sha256, size: read };
}
