import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createLocalStorage } from '@/server/storage/local-storage';
import { createS3Storage, PART_SIZE } from '@/server/storage/s3-storage';
import type { Storage } from '@/server/storage/storage';
import { startS3Server } from '@/tests/support/s3-server';
import { isEntryPoint, parseWholeNumber, runScript } from './bench-script';

// `npm run bench:storage`: how fast an upload streams into storage (write: limit, sha256, store)
// on local disk and on an S3 protocol server (s3rver, its own process on loopback, over a temp
// directory on the same disk), against the raw baseline of the same bytes piped to a file.
// Everything it makes is under its own temp directories, removed at the end. Both stores write
// to this machine's disk: the S3 figure is the protocol's and the server's cost, not a network's.

const CHUNK = 1024 * 1024;

export interface StorageThroughputResult {
  mib: number;
  runs: number;
  /** MiB/s, the median of the runs. */
  raw: number;
  local: number;
  s3: number;
}

function body(mib: number, chunk: Buffer): Iterable<Buffer> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < mib; i += 1) yield chunk;
    },
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measureDriver(storage: Storage, mib: number, runs: number, chunk: Buffer) {
  const rates: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const key = `bench/run-${run}/original`;
    rates.push(mib / (await timed(() => storage.write(key, body(mib, chunk)))));
    await storage.deletePrefix(`bench/run-${run}`);
  }
  return median(rates);
}

export async function measureStorageThroughput(
  mib: number,
  runs: number,
): Promise<StorageThroughputResult> {
  const chunk = randomBytes(CHUNK);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-bench-storage-'));
  const s3 = await startS3Server([16400, 16499]);
  const s3Storage = createS3Storage(s3.config);
  try {
    const rawRates: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const file = path.join(dir, `raw-${run}`);
      const seconds = await timed(() =>
        pipeline(Readable.from(body(mib, chunk)), createWriteStream(file)),
      );
      rawRates.push(mib / seconds);
      await rm(file);
    }
    const local = await measureDriver(
      createLocalStorage(path.join(dir, 'local')),
      mib,
      runs,
      chunk,
    );
    const s3Rate = await measureDriver(s3Storage, mib, runs, chunk);
    return { mib, runs, raw: median(rawRates), local, s3: s3Rate };
  } finally {
    s3Storage.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printStorageThroughput(result: StorageThroughputResult): void {
  const f = (rate: number) => `${rate.toFixed(1)} MiB/s`;
  console.log(
    [
      `Upload throughput, ${result.mib} MiB streamed in 1 MiB chunks, median of ${result.runs} runs:`,
      `  raw baseline: pipe to a file                  ${f(result.raw)}`,
      `  local driver (limit, sha256, rename)          ${f(result.local)}  (${(result.local / result.raw).toFixed(2)}x raw)`,
      `  s3 driver on s3rver (multipart, ${PART_SIZE / CHUNK} MiB parts)  ${f(result.s3)}  (${(result.s3 / result.raw).toFixed(2)}x raw)`,
      `  ratio s3 / local: ${(result.s3 / result.local).toFixed(2)}`,
    ].join('\n'),
  );
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const { values } = parseArgs({
      options: { mib: { type: 'string' }, runs: { type: 'string' } },
    });
    printStorageThroughput(
      await measureStorageThroughput(
        parseWholeNumber(values.mib, 256, 1, 8192),
        parseWholeNumber(values.runs, 3, 1, 20),
      ),
    );
  });
}
