import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@/lib/errors';
import type { Storage, StoredObject } from './storage';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function createLocalStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);

  function resolveKey(key: string): string {
    // Keys are ours, but a bad one must never escape the root directory.
    if (!SAFE_KEY.test(key) || key.split('/').some((part) => part === '..')) {
      throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
    }
    return path.join(root, key);
  }

  return {
    async write(key, body): Promise<StoredObject> {
      const target = resolveKey(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Write beside the target and rename, so readers never see half a file.
      const temp = `${target}.${randomUUID()}.partial`;
      try {
        await pipeline(Readable.from(body), createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      const { size } = await stat(target);
      return { key, size };
    },

    async read(key) {
      const target = resolveKey(key);
      const info = await stat(target).catch(() => null);
      if (!info?.isFile()) throw new NotFoundError('The file does not exist.');
      return { stream: createReadStream(target), size: info.size };
    },

    async exists(key) {
      const info = await stat(resolveKey(key)).catch(() => null);
      return Boolean(info?.isFile());
    },

    async delete(key) {
      await rm(resolveKey(key), { force: true });
    },
  };
}
