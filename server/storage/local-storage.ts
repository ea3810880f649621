import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash, randomUUID } from 'node:crypto';
import { NotFoundError } from '@/lib/errors';
import { limitBytes, measureBytes } from './byte-transforms';
import type { Storage, StoredObject } from './storage';
import { assertSafeKey, checkRange } from './storage-keys';

const PARTIAL_SUFFIX = '.partial';

async function* walkFiles(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walkFiles(full);
    else if (entry.isFile()) yield full;
  }
}

export function createLocalStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);

  function resolveKey(key: string): string {
    return path.join(root, assertSafeKey(key));
  }

  return {
    async write(key, body, options = {}): Promise<StoredObject> {
      const target = resolveKey(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Write beside the target and rename, so readers never see half a file.
      const temp = `${target}.${randomUUID()}${PARTIAL_SUFFIX}`;
      const hash = createHash('sha256');
      const sink = createWriteStream(temp, { flags: 'wx' });
      try {
        if (options.maxBytes === undefined)
          await pipeline(Readable.from(body), measureBytes(hash), sink);
        else {
          await pipeline(
            Readable.from(body),
            limitBytes(options.maxBytes),
            measureBytes(hash),
            sink,
          );
        }
        await rename(temp, target);
      } catch (error) {
        // pipeline rejects as soon as the body fails, while the file may still be opening: removed
        // before its open completes, it would be created after and stay behind. Wait for it.
        if (!sink.closed) await once(sink, 'close').catch(() => undefined);
        await rm(temp, { force: true });
        throw error;
      }
      const { size } = await stat(target);
      return { key, size, sha256: hash.digest('hex') };
    },

    async read(key, options = {}) {
      const target = resolveKey(key);
      const info = await stat(target).catch(() => null);
      if (!info?.isFile()) throw new NotFoundError('The file does not exist.');
      const range = options.range && checkRange(options.range, info.size);
      const stream = createReadStream(target, { highWaterMark: 256 * 1024, ...range });
      return { stream, size: info.size };
    },

    async exists(key) {
      const info = await stat(resolveKey(key)).catch(() => null);
      return Boolean(info?.isFile());
    },

    async delete(key) {
      await rm(resolveKey(key), { force: true });
    },

    async deletePrefix(prefix) {
      await rm(resolveKey(prefix), { recursive: true, force: true });
    },

    async deleteStalePartials(before) {
      let removed = 0;
      for await (const file of walkFiles(root)) {
        if (!file.endsWith(PARTIAL_SUFFIX)) continue;
        const info = await stat(file).catch(() => null);
        if (info && info.mtime < before) {
          await rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}
