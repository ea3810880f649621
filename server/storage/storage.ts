import type { Readable } from 'node:stream';
import { getEnv } from '@/lib/env';
import { createLocalStorage } from './local-storage';

export interface StoredObject {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes written, computed on their way to disk. */
  sha256: string;
}

export interface WriteOptions {
  /** Past this many bytes the write fails with PayloadTooLargeError and leaves nothing behind. */
  maxBytes?: number;
}

/**
 * Where task inputs and outputs live. Keys are relative, slash-separated paths made by our
 * code (never raw user input). Local disk today; an S3-compatible store fits the same shape
 * (write = a multipart upload aborted on error, deletePrefix = list + delete).
 */
export interface Storage {
  /** Writes the whole body or nothing: a failed write leaves no object behind. */
  write(
    key: string,
    body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    options?: WriteOptions,
  ): Promise<StoredObject>;
  /** Throws NotFoundError when the key does not exist. */
  read(key: string): Promise<{ stream: Readable; size: number }>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes writes that never finished (a process killed mid-upload) older than `before`. */
  deleteStalePartials(before: Date): Promise<number>;
}

const globalForStorage = globalThis as { __taskdeckStorage?: Storage };

export function getStorage(): Storage {
  globalForStorage.__taskdeckStorage ??= createLocalStorage(getEnv().STORAGE_DIR);
  return globalForStorage.__taskdeckStorage;
}
