import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskView } from '@/lib/tasks/task-view';
import { getTask } from './bench-client';
import type { BenchEnv } from './bench-env';
import { withBenchEnv } from './bench-env';
import { describeMachine } from './bench-machine';
import { isEntryPoint, runScript } from './bench-script';
import { MiB, readPeakRssBytes, readRssBytes, sampleRss } from './process-memory';

// Issue 5's figures: a 1 GiB CSV uploaded over REST to the real web process (its RSS must stay
// flat, under 256 MB) and processed by the real worker process (MB/s, peak RSS under 256 MB).

export const RSS_LIMIT_BYTES = 256 * MiB;
const GiB = 1024 * MiB;

/** A realistic CSV of about `bytes`: ten columns of ids, names, numbers, dates, flags. */
async function writeCsv(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const names = ['Ada', 'Grace', 'Linus', 'Zoë', 'Ken', 'Barbara', '"Smith, J."', 'Dennis'];
  let written = 0;
  let row = 0;
  const header = 'id,name,amount,quantity,price,created,active,region,score,note\n';
  out.write(header);
  written += header.length;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 2_000; i += 1, row += 1) {
      const day = String((row % 28) + 1).padStart(2, '0');
      lines.push(
        `${row},${names[row % names.length]},${((row * 7919) % 100000) / 100},${row % 97},` +
          `${(row % 1000) / 10},2026-03-${day},${row % 3 === 0},region-${row % 12},` +
          `${(row * 31) % 1000},note number ${row % 5000}\n`,
      );
    }
    const chunk = lines.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
}

/** The file as one multipart part, streamed from disk with a known Content-Length. */
function multipartBody(file: string, size: number) {
  const boundary = `taskdeck-bench-${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) yield chunk;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
    stream: Readable.toWeb(Readable.from(parts())) as ReadableStream<Uint8Array>,
  };
}

async function waitForTask(env: BenchEnv, id: string): Promise<TaskView> {
  for (;;) {
    const task = await getTask(env, id);
    if (['succeeded', 'failed', 'cancelled'].includes(task.status)) return task;
    await sleep(250);
  }
}

export interface FileFigures {
  size: number;
  uploadSeconds: number;
  /** Right after start, before any upload. */
  webRssCold: number;
  /** After one small upload. */
  webRssBefore: number;
  webRssMax: number;
  webPeak: number;
  processSeconds: number;
  mbPerSecond: number;
  rows: number;
  workerRssBefore: number;
  workerPeak: number;
}

async function uploadCsv(env: BenchEnv, file: string, size: number) {
  const body = multipartBody(file, size);
  const started = performance.now();
  const response = await env.guard(
    fetch(`${env.url}/api/v1/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.apiKey}`,
        'content-type': body.contentType,
        'content-length': String(body.length),
      },
      body: body.stream,
      duplex: 'half',
    } as RequestInit),
  );
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 201) {
    throw new Error(`upload failed: HTTP ${response.status} ${await response.text()}`);
  }
  const [created] = ((await response.json()) as { tasks: TaskView[] }).tasks;
  return { seconds, taskId: created!.id };
}

export async function measureFileFigures(env: BenchEnv, bytes = GiB): Promise<FileFigures> {
  const file = path.join(tmpdir(), `taskdeck-bench-${process.pid}.csv`);
  const small = path.join(tmpdir(), `taskdeck-bench-${process.pid}-small.csv`);
  try {
    const size = await writeCsv(file, bytes - 2 * 1024 * 1024);
    const webPid = env.web.child.pid!;
    const workerPid = env.worker.child.pid!;
    const webRssCold = await readRssBytes(webPid);
    // One small upload first: the first request of a kind loads code and warms caches, which
    // is a fixed cost, not what a large upload adds.
    const warmUp = await uploadCsv(env, small, await writeCsv(small, 4 * MiB));
    await env.guard(waitForTask(env, warmUp.taskId));
    const webRssBefore = await readRssBytes(webPid);
    const workerRssBefore = await readRssBytes(workerPid);

    const sampler = sampleRss(webPid);
    const upload = await uploadCsv(env, file, size);
    const samples = sampler.stop();
    const webPeak = await readPeakRssBytes(webPid);

    const task = await env.guard(waitForTask(env, upload.taskId));
    if (task.status !== 'succeeded') throw new Error(`processing ended ${task.status}`);
    const processSeconds = (Date.parse(task.finishedAt!) - Date.parse(task.startedAt!)) / 1000;
    const result = task.result as { rows: number };
    return {
      size,
      uploadSeconds: upload.seconds,
      webRssCold,
      webRssBefore,
      webRssMax: Math.max(...samples),
      webPeak,
      processSeconds,
      mbPerSecond: size / MiB / processSeconds,
      rows: result.rows,
      workerRssBefore,
      workerPeak: await readPeakRssBytes(workerPid),
    };
  } finally {
    await rm(file, { force: true });
    await rm(small, { force: true });
  }
}

const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MB`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

export function printFileFigures(f: FileFigures): void {
  console.log(
    [
      `CSV of ${(f.size / MiB).toFixed(0)} MiB (${f.rows.toLocaleString('en')} rows)`,
      `  upload over REST: ${f.uploadSeconds.toFixed(1)} s (${(f.size / MiB / f.uploadSeconds).toFixed(0)} MiB/s);` +
        ` web RSS ${mb(f.webRssCold)} at start, ${mb(f.webRssBefore)} after a 4 MiB upload, max ${mb(f.webRssMax)} during the large upload (${mb(f.webRssMax - f.webRssBefore)} more), peak (VmHWM) ${mb(f.webPeak)}` +
        `  [peak < 256 MB: ${verdict(f.webPeak < RSS_LIMIT_BYTES)}]`,
      `  processing in the worker: ${f.processSeconds.toFixed(1)} s = ${f.mbPerSecond.toFixed(1)} MiB/s;` +
        ` worker RSS ${mb(f.workerRssBefore)} before, peak (VmHWM) ${mb(f.workerPeak)}` +
        `  [peak < 256 MB: ${verdict(f.workerPeak < RSS_LIMIT_BYTES)}]`,
      `  machine: ${describeMachine()}`,
    ].join('\n'),
  );
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    // `file-figures.ts 256` runs a smaller file (MiB), for a quick look.
    const mib = Number(process.argv[2] ?? 1024);
    await withBenchEnv(async (env) => printFileFigures(await measureFileFigures(env, mib * MiB)));
  });
}
