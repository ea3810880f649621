import type { Readable } from 'node:stream';
import { getEnv, type Env } from '@/lib/env';
import { onCloseClients } from '@/server/infra/clients';
import { createLocalStorage } from './local-storage';
import type { S3Storage, S3StorageConfig } from './s3-storage';
import type { ByteRange } from './storage-keys';

export interface StoredObject {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes written, computed on their way to the store. */
  sha256: string;
}

export interface WriteOptions {
  /** Past this many bytes the write fails with PayloadTooLargeError and leaves nothing behind. */
  maxBytes?: number;
}

export interface ReadOptions {
  /** Only these bytes (both ends inclusive; an end past the object is cut to its last byte). */
  range?: ByteRange;
}

/**
 * Where task inputs and outputs live. Keys are relative, slash-separated paths made by our
 * code (never raw user input). Local disk (local-storage.ts) or an S3-compatible bucket
 * (s3-storage.ts: write = a multipart upload aborted on error, deletePrefix = list + delete).
 */
export interface Storage {
  /** Writes the whole body or nothing: a failed write leaves no object behind. */
  write(
    key: string,
    body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    options?: WriteOptions,
  ): Promise<StoredObject>;
  /** Throws NotFoundError when the key does not exist. `size` is the whole object's. */
  read(key: string, options?: ReadOptions): Promise<{ stream: Readable; size: number }>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes writes that never finished (a process killed mid-upload) older than `before`. */
  deleteStalePartials(before: Date): Promise<number>;
}

export function s3ConfigOf(env: Env): S3StorageConfig {
  // lib/env.ts refuses STORAGE_DRIVER=s3 without every one of these.
  const { S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = env;
  if (!S3_ENDPOINT || !S3_BUCKET || !S3_REGION || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) {
    throw new Error('STORAGE_DRIVER=s3 needs every S3_ variable');
  }
  return {
    endpoint: S3_ENDPOINT,
    bucket: S3_BUCKET,
    region: S3_REGION,
    accessKeyId: S3_ACCESS_KEY_ID,
    secretAccessKey: S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? false,
  };
}

/**
 * The S3 driver behind the same interface, its module (and the AWS SDK) imported on first use:
 * a process on local disk never loads them. One client per process, closed on shutdown.
 */
function createLazyS3Storage(config: S3StorageConfig): Storage {
  let loading: Promise<S3Storage> | undefined;
  function load(): Promise<S3Storage> {
    loading ??= import('./s3-storage').then(({ createS3Storage }) => {
      const storage = createS3Storage(config);
      onCloseClients(async () => {
        storage.close();
        if (globalForStorage.__taskdeckStorage === lazy)
          globalForStorage.__taskdeckStorage = undefined;
      });
      return storage;
    });
    return loading;
  }
  const lazy: Storage = {
    write: async (key, body, options) => (await load()).write(key, body, options),
    read: async (key, options) => (await load()).read(key, options),
    exists: async (key) => (await load()).exists(key),
    delete: async (key) => (await load()).delete(key),
    deletePrefix: async (prefix) => (await load()).deletePrefix(prefix),
    deleteStalePartials: async (before) => (await load()).deleteStalePartials(before),
  };
  return lazy;
}

const globalForStorage = globalThis as { __taskdeckStorage?: Storage };

export function getStorage(): Storage {
  const env = getEnv();
  globalForStorage.__taskdeckStorage ??=
    env.STORAGE_DRIVER === 's3'
      ? createLazyS3Storage(s3ConfigOf(env))
      : createLocalStorage(env.STORAGE_DIR);
  return globalForStorage.__taskdeckStorage;
}
