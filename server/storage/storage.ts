import type { Readable } from 'node:stream';
import { getEnv } from '@/lib/env';
import { createLocalStorage } from './local-storage';

export interface StoredObject {
  key: string;
  size: number;
}

/**
 * Where task inputs and outputs live. Keys are relative, slash-separated paths made by our
 * code (never raw user input). Local disk today; an S3-compatible store fits the same shape.
 */
export interface Storage {
  /** Writes the whole body or nothing: a failed write leaves no object behind. */
  write(key: string, body: AsyncIterable<Uint8Array | string>): Promise<StoredObject>;
  /** Throws NotFoundError when the key does not exist. */
  read(key: string): Promise<{ stream: Readable; size: number }>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

const globalForStorage = globalThis as { __taskdeckStorage?: Storage };

export function getStorage(): Storage {
  globalForStorage.__taskdeckStorage ??= createLocalStorage(getEnv().STORAGE_DIR);
  return globalForStorage.__taskdeckStorage;
}
