import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, PayloadTooLargeError } from '@/lib/errors';
import { createLocalStorage } from '@/server/storage/local-storage';
import type { Storage } from '@/server/storage/storage';

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const buffers: Buffer[] = [];
  for await (const chunk of stream) {
    buffers.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(buffers);
}

/** Every file under dir, as paths relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('createLocalStorage', () => {
  let root: string;
  let storage: Storage;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-storage-'));
    storage = createLocalStorage(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('round trip', () => {
    it('writes, reads, checks and deletes an object', async () => {
      const key = 'reports/task-1/activity.csv';
      const stored = await storage.write(key, chunks('date,count\r\n', '2026-01-01,3\r\n'));
      // The digest is of the bytes as written, across chunk boundaries.
      expect(stored).toEqual({
        key,
        size: 26,
        sha256: createHash('sha256').update('date,count\r\n2026-01-01,3\r\n').digest('hex'),
      });

      expect(await storage.exists(key)).toBe(true);
      const { stream, size } = await storage.read(key);
      expect(size).toBe(26);
      expect((await readAll(stream)).toString('utf8')).toBe('date,count\r\n2026-01-01,3\r\n');

      await storage.delete(key);
      expect(await storage.exists(key)).toBe(false);
      await expect(storage.read(key)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('stores the object at root/key on disk, creating parent directories', async () => {
      await storage.write('a/b/c/file.txt', chunks('hello'));
      expect(await readFile(path.join(root, 'a/b/c/file.txt'), 'utf8')).toBe('hello');
      expect(await listFiles(root)).toEqual([path.join('a', 'b', 'c', 'file.txt')]);
    });

    it('accepts byte chunks and reports the size in bytes, not characters', async () => {
      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      const stored = await storage.write('bin/data.bin', chunks(bytes, 'é✓', new Uint8Array([7])));
      // 5 bytes + 'é' (2) + '✓' (3) + 1 byte.
      expect(stored.size).toBe(11);
      const { stream, size } = await storage.read('bin/data.bin');
      expect(size).toBe(11);
      expect([...(await readAll(stream))]).toEqual([
        0, 1, 2, 254, 255, 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 7,
      ]);
    });

    it('writes an empty object from an empty iterable', async () => {
      expect(await storage.write('empty.txt', chunks())).toEqual({
        key: 'empty.txt',
        size: 0,
        sha256: createHash('sha256').digest('hex'),
      });
      expect(await storage.exists('empty.txt')).toBe(true);
      expect((await readAll((await storage.read('empty.txt')).stream)).length).toBe(0);
    });

    it('replaces an existing object on a second write', async () => {
      await storage.write('notes.txt', chunks('first version, quite long'));
      const stored = await storage.write('notes.txt', chunks('second'));
      expect(stored.size).toBe(6);
      expect((await readAll((await storage.read('notes.txt')).stream)).toString()).toBe('second');
      expect(await listFiles(root)).toEqual(['notes.txt']);
    });

    it('handles a large body made of many chunks', async () => {
      const line = 'x'.repeat(1023) + '\n';
      async function* many(): AsyncGenerator<string> {
        for (let i = 0; i < 2048; i += 1) yield line;
      }
      const stored = await storage.write('big/file.txt', many());
      expect(stored.size).toBe(2048 * 1024);
      const body = await readAll((await storage.read('big/file.txt')).stream);
      expect(body.length).toBe(2048 * 1024);
      expect(body.subarray(0, 1024).toString()).toBe(line);
    });

    it('keeps separate keys separate', async () => {
      await storage.write('a.txt', chunks('A'));
      await storage.write('b.txt', chunks('B'));
      await storage.delete('a.txt');
      expect(await storage.exists('a.txt')).toBe(false);
      expect(await storage.exists('b.txt')).toBe(true);
      expect((await readAll((await storage.read('b.txt')).stream)).toString()).toBe('B');
    });

    it('accepts a relative root directory the same as an absolute one', async () => {
      const relative = path.relative(process.cwd(), root);
      const other = createLocalStorage(relative);
      await other.write('rel.txt', chunks('via relative root'));
      expect(await storage.exists('rel.txt')).toBe(true);
    });
  });

  describe('missing objects', () => {
    it('throws NotFoundError when reading a key that does not exist', async () => {
      const error: unknown = await storage
        .read('nope/missing.txt')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).status).toBe(404);
    });

    it('treats a directory as missing', async () => {
      await storage.write('dir/inner.txt', chunks('x'));
      expect(await storage.exists('dir')).toBe(false);
      await expect(storage.read('dir')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('reports a missing key as not existing and deletes it without error', async () => {
      expect(await storage.exists('ghost.txt')).toBe(false);
      await expect(storage.delete('ghost.txt')).resolves.toBeUndefined();
    });
  });

  describe('unsafe keys', () => {
    const unsafeKeys = [
      '../x',
      '/abs',
      'a/../b',
      '',
      'a//b',
      '..',
      '.',
      './a',
      'a/./b',
      'a/',
      '.hidden',
      'a\\..\\b',
      'a/..',
      ' spaced',
      'nul\0byte',
    ];

    it.each(unsafeKeys)('rejects %j on write without creating anything', async (key) => {
      await expect(storage.write(key, chunks('x'))).rejects.toThrow(/Unsafe storage key/);
      expect(await readdir(root)).toEqual([]);
    });

    it.each(unsafeKeys)('rejects %j on read, exists and delete', async (key) => {
      await expect(storage.read(key)).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.exists(key)).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.delete(key)).rejects.toThrow(/Unsafe storage key/);
    });

    it('does not let delete reach a file outside the root', async () => {
      const outside = path.join(path.dirname(root), `${path.basename(root)}-outside.txt`);
      await writeFile(outside, 'keep me');
      try {
        const escaping = `../${path.basename(outside)}`;
        await expect(storage.delete(escaping)).rejects.toThrow(/Unsafe storage key/);
        expect(await readFile(outside, 'utf8')).toBe('keep me');
      } finally {
        await rm(outside, { force: true });
      }
    });

    it('accepts keys made of letters, digits, dots, dashes and underscores', async () => {
      for (const key of ['a', 'A1', 'reports/0190-abc/activity-2026-01-01_to_2026-01-31.csv']) {
        await expect(storage.write(key, chunks('ok'))).resolves.toMatchObject({ key, size: 2 });
      }
    });
  });

  describe('failed writes', () => {
    async function* failingAfter(parts: string[], error: Error): AsyncGenerator<string> {
      for (const part of parts) {
        await Promise.resolve();
        yield part;
      }
      throw error;
    }

    it('leaves no object and no partial file when the body throws midway', async () => {
      const boom = new Error('source failed');
      const key = 'reports/t/out.csv';
      await expect(storage.write(key, failingAfter(['a,b\r\n', '1,2\r\n'], boom))).rejects.toBe(
        boom,
      );
      expect(await storage.exists(key)).toBe(false);
      await expect(storage.read(key)).rejects.toBeInstanceOf(NotFoundError);
      expect(await listFiles(root)).toEqual([]);
    });

    it('leaves no partial file when the body throws before its first chunk', async () => {
      const boom = new Error('failed at once');
      await expect(storage.write('early.txt', failingAfter([], boom))).rejects.toBe(boom);
      expect(await listFiles(root)).toEqual([]);
    });

    it('leaves no partial file when the body throws after many chunks', async () => {
      const boom = new Error('late failure');
      const parts = Array.from({ length: 500 }, () => 'y'.repeat(4096));
      await expect(storage.write('late.txt', failingAfter(parts, boom))).rejects.toBe(boom);
      expect(await listFiles(root)).toEqual([]);
    });

    it('keeps the previous version of an object when a rewrite fails', async () => {
      await storage.write('keep.txt', chunks('old content'));
      const boom = new Error('rewrite failed');
      await expect(storage.write('keep.txt', failingAfter(['new', 'er'], boom))).rejects.toBe(boom);
      expect((await readAll((await storage.read('keep.txt')).stream)).toString()).toBe(
        'old content',
      );
      expect(await listFiles(root)).toEqual(['keep.txt']);
    });

    it('leaves no partial file across many failing writes (no close/cleanup race)', async () => {
      const writes = Array.from({ length: 40 }, (_, i) =>
        storage
          .write(`race/file-${i}.txt`, failingAfter(i % 2 ? ['x'] : [], new Error(`fail ${i}`)))
          .then(
            () => 'resolved',
            () => 'rejected',
          ),
      );
      expect(new Set(await Promise.all(writes))).toEqual(new Set(['rejected']));
      expect(await listFiles(root)).toEqual([]);
    });
  });

  describe('limits and clean-up', () => {
    it('fails past maxBytes with PayloadTooLargeError and leaves nothing behind', async () => {
      const write = storage.write('up/big.bin', chunks('12345', '67890', 'x'), { maxBytes: 10 });
      await expect(write).rejects.toBeInstanceOf(PayloadTooLargeError);
      expect(await listFiles(root)).toEqual([]);
      const fits = await storage.write('up/ok.bin', chunks('12345', '67890'), { maxBytes: 10 });
      expect(fits.size).toBe(10);
    });

    it('deletes a whole prefix and nothing beside it', async () => {
      await storage.write('tasks/a/input/original', chunks('a'));
      await storage.write('tasks/a/outputs/x.csv', chunks('x'));
      await storage.write('tasks/ab/outputs/y.csv', chunks('y'));
      await storage.deletePrefix('tasks/a');
      expect(await listFiles(root)).toEqual([path.join('tasks', 'ab', 'outputs', 'y.csv')]);
      await storage.deletePrefix('tasks/missing');
    });

    it('removes partial writes older than the cut-off only', async () => {
      await mkdir(path.join(root, 'tasks/t'), { recursive: true });
      const stale = path.join(root, 'tasks/t/original.1.partial');
      const fresh = path.join(root, 'tasks/t/original.2.partial');
      await writeFile(stale, 'old');
      await writeFile(fresh, 'new');
      await utimes(
        stale,
        new Date(Date.now() - 3 * 86_400_000),
        new Date(Date.now() - 3 * 86_400_000),
      );
      await storage.write('tasks/t/done.csv', chunks('kept'));
      expect(await storage.deleteStalePartials(new Date(Date.now() - 86_400_000))).toBe(1);
      expect(await listFiles(root)).toEqual([
        path.join('tasks', 't', 'done.csv'),
        path.join('tasks', 't', 'original.2.partial'),
      ]);
    });
  });
});
