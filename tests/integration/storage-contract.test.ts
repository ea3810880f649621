import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, PayloadTooLargeError } from '@/lib/errors';
import { createLocalStorage } from '@/server/storage/local-storage';
import { createS3Client, createS3Storage, PART_SIZE } from '@/server/storage/s3-storage';
import type { Storage } from '@/server/storage/storage';
import { startS3Server, type S3TestServer } from '../support/s3-server';

// One contract, both drivers: whatever a task or an upload can observe must be the same on
// local disk and on an S3 protocol server (a real one, s3rver, over HTTP).

interface Driver {
  storage: Storage;
  /** Every object and unfinished write left in the store, sorted. */
  leftovers(): Promise<string[]>;
  /** Leaves an unfinished write of key behind, as a process killed mid-upload does. */
  makePartial(key: string): Promise<void>;
  /** Empties the store between tests. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

async function createLocalDriver(): Promise<Driver> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-contract-'));
  return {
    storage: createLocalStorage(root),
    async leftovers() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
        .map((file) => (file.endsWith('.partial') ? `partial:${file}` : file))
        .sort();
    },
    async makePartial(key) {
      await mkdir(path.dirname(path.join(root, key)), { recursive: true });
      await writeFile(path.join(root, `${key}.killed.partial`), 'half');
    },
    async clear() {
      await rm(root, { recursive: true, force: true });
      await mkdir(root);
    },
    async close() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function listS3(client: S3Client, bucket: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    found.push(...(page.Contents ?? []).map((entry) => entry.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  found.push(...(uploads.Uploads ?? []).map((upload) => `partial:${upload.Key ?? ''}`));
  return found.sort();
}

let s3: S3TestServer;

async function createS3Driver(): Promise<Driver> {
  const client = createS3Client(s3.config);
  const storage = createS3Storage(s3.config);
  const bucket = s3.config.bucket;
  return {
    storage,
    leftovers: () => listS3(client, bucket),
    async makePartial(key) {
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
      );
      await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'half' }),
      );
    },
    async clear() {
      await storage.deleteStalePartials(new Date(Date.now() + 60_000));
      const keys = (await listS3(client, bucket)).filter((key) => !key.startsWith('partial:'));
      await Promise.all(keys.map((key) => storage.delete(key)));
    },
    async close() {
      storage.close();
      client.destroy();
    },
  };
}

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

/** `count` chunks of 64 KiB of a repeating pattern, then `error` if given. */
async function* bytes(count: number, error?: Error): AsyncGenerator<Uint8Array> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i += 1) chunk[i] = i % 251;
  for (let i = 0; i < count; i += 1) {
    await Promise.resolve();
    yield chunk;
  }
  if (error) throw error;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const buffers: Buffer[] = [];
  for await (const chunk of stream) buffers.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(buffers);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  s3 = await startS3Server([16400, 16449]);
});

afterAll(async () => {
  await s3.close();
});

describe.each([
  ['local', createLocalDriver],
  ['s3', createS3Driver],
] as const)('storage contract: %s driver', (_name, createDriver) => {
  let driver: Driver;
  let storage: Storage;

  beforeAll(async () => {
    driver = await createDriver();
    storage = driver.storage;
  });
  afterAll(async () => {
    await driver.close();
  });
  beforeEach(async () => {
    await driver.clear();
  });

  it('writes, reads, sizes and hashes an object, then deletes it', async () => {
    const key = 'tasks/t1/outputs/activity.csv';
    const stored = await storage.write(
      key,
      chunks('date,count\r\n', 'é✓', new Uint8Array([0, 255])),
    );
    const expected = Buffer.concat([Buffer.from('date,count\r\né✓'), Buffer.from([0, 255])]);
    expect(stored).toEqual({ key, size: expected.length, sha256: sha256(expected) });
    expect(await storage.exists(key)).toBe(true);
    const { stream, size } = await storage.read(key);
    expect(size).toBe(expected.length);
    expect((await readAll(stream)).equals(expected)).toBe(true);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    expect(await driver.leftovers()).toEqual([]);
  });

  it('writes an empty object', async () => {
    expect(await storage.write('empty.txt', chunks())).toEqual({
      key: 'empty.txt',
      size: 0,
      sha256: sha256(''),
    });
    const { stream, size } = await storage.read('empty.txt');
    expect(size).toBe(0);
    expect((await readAll(stream)).length).toBe(0);
  });

  it('streams a body of several parts and reads it back byte for byte', async () => {
    // 20 MiB: three parts of a multipart upload on S3.
    const count = (20 * 1024 * 1024) / (64 * 1024);
    const stored = await storage.write('big/file.bin', bytes(count));
    let whole = Buffer.alloc(0);
    for await (const chunk of bytes(count)) whole = Buffer.concat([whole, chunk]);
    expect(stored.size).toBe(20 * 1024 * 1024);
    expect(stored.size).toBeGreaterThan(2 * PART_SIZE);
    expect(stored.sha256).toBe(sha256(whole));
    const read = await storage.read('big/file.bin');
    expect(read.size).toBe(whole.length);
    expect(sha256(await readAll(read.stream))).toBe(stored.sha256);
    expect(await driver.leftovers()).toEqual(['big/file.bin']);
  });

  it('replaces an object on a second write', async () => {
    await storage.write('notes.txt', chunks('first version, quite long'));
    await storage.write('notes.txt', chunks('second'));
    expect((await readAll((await storage.read('notes.txt')).stream)).toString()).toBe('second');
  });

  it('refuses past maxBytes with PayloadTooLargeError and leaves nothing, small or multipart', async () => {
    const small = storage.write('up/small.bin', chunks('12345', '67890', 'x'), { maxBytes: 10 });
    await expect(small).rejects.toBeInstanceOf(PayloadTooLargeError);
    // Past the first part: on S3 a multipart upload is under way when the limit is hit.
    const limit = PART_SIZE + 1024 * 1024;
    const large = storage.write('up/large.bin', bytes(200), { maxBytes: limit });
    await expect(large).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await driver.leftovers()).toEqual([]);
    expect((await storage.write('up/ok.bin', chunks('1234567890'), { maxBytes: 10 })).size).toBe(
      10,
    );
  });

  it('leaves nothing when the body fails, early or after several parts', async () => {
    const early = new Error('failed at once');
    await expect(storage.write('early.bin', bytes(0, early))).rejects.toBe(early);
    const late = new Error('client went away');
    await expect(storage.write('late.bin', bytes(300, late))).rejects.toBe(late);
    expect(await driver.leftovers()).toEqual([]);
  });

  it('keeps the previous version when a rewrite fails', async () => {
    await storage.write('keep.txt', chunks('old content'));
    const boom = new Error('rewrite failed');
    await expect(storage.write('keep.txt', bytes(200, boom))).rejects.toBe(boom);
    expect((await readAll((await storage.read('keep.txt')).stream)).toString()).toBe('old content');
    expect(await driver.leftovers()).toEqual(['keep.txt']);
  });

  it('answers a missing key with NotFoundError, false and a quiet delete', async () => {
    await expect(storage.read('nope/missing.txt')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      storage.read('nope/missing.txt', { range: { start: 0, end: 1 } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await storage.exists('nope/missing.txt')).toBe(false);
    await expect(storage.delete('nope/missing.txt')).resolves.toBeUndefined();
  });

  it('reads a byte range, cutting an end past the object', async () => {
    await storage.write('range.txt', chunks('0123456789'));
    const middle = await storage.read('range.txt', { range: { start: 2, end: 5 } });
    expect(middle.size).toBe(10);
    expect((await readAll(middle.stream)).toString()).toBe('2345');
    const tail = await storage.read('range.txt', { range: { start: 7, end: 1_000 } });
    expect((await readAll(tail.stream)).toString()).toBe('789');
    await expect(storage.read('range.txt', { range: { start: 10, end: 12 } })).rejects.toThrow(
      RangeError,
    );
  });

  it('deletes a prefix of more than 1000 objects and nothing beside it', async () => {
    const keys = Array.from({ length: 1_050 }, (_, i) => `tasks/a/outputs/part-${i}.txt`);
    for (let at = 0; at < keys.length; at += 50) {
      await Promise.all(keys.slice(at, at + 50).map((key) => storage.write(key, chunks('x'))));
    }
    await storage.write('tasks/ab/outputs/y.csv', chunks('y'));
    await storage.deletePrefix('tasks/a');
    expect(await driver.leftovers()).toEqual(['tasks/ab/outputs/y.csv']);
    await expect(storage.deletePrefix('tasks/missing')).resolves.toBeUndefined();
  }, 120_000);

  it('removes unfinished writes older than the cut-off only', async () => {
    await driver.makePartial('tasks/t/input/original');
    await storage.write('tasks/t/done.csv', chunks('kept'));
    expect(await storage.deleteStalePartials(new Date(Date.now() - 60_000))).toBe(0);
    expect((await driver.leftovers()).filter((key) => key.startsWith('partial:'))).toHaveLength(1);
    expect(await storage.deleteStalePartials(new Date(Date.now() + 60_000))).toBe(1);
    expect(await driver.leftovers()).toEqual(['tasks/t/done.csv']);
  });

  it.each(['../x', '/abs', 'a//b', '', 'a/../b', '.hidden'])(
    'refuses the unsafe key %j',
    async (key) => {
      await expect(storage.write(key, chunks('x'))).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.read(key)).rejects.toThrow(/Unsafe storage key/);
      expect(await driver.leftovers()).toEqual([]);
    },
  );
});
