import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { getEnv } from '@/lib/env';
import type { TaskFileView } from '@/lib/files/task-file-view';
import type { TaskView } from '@/lib/tasks/task-view';
import { listFilesUnder, makeJpegWithExif, makePng, MESSY_CSV } from '../support/upload-files';
import { createTestApiKey, createTestUser } from '../support/users';

// Uploads over REST (multipart) against the production build and a real worker process.

const baseUrl = inject('baseUrl');
const LIMIT = getEnv().UPLOAD_MAX_BYTES;
const storageDir = path.resolve(getEnv().STORAGE_DIR);
let apiKey: string;

beforeAll(async () => {
  apiKey = await createTestApiKey(await createTestUser('user', 'uploader'));
});

const auth = () => ({ authorization: `Bearer ${apiKey}` });

async function upload(files: Array<{ name: string; type: string; body: Uint8Array | string }>) {
  const form = new FormData();
  for (const file of files)
    form.append('file', new Blob([file.body as BlobPart], { type: file.type }), file.name);
  const response = await fetch(`${baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: auth(),
    body: form,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function uploadOne(name: string, type: string, body: Uint8Array | string): Promise<TaskView> {
  const result = await upload([{ name, type, body }]);
  expect(result.status).toBe(201);
  const tasks = result.body.tasks as TaskView[];
  expect(tasks).toHaveLength(1);
  return tasks[0]!;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(baseUrl + url, { headers: auth() });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function waitForEnd(id: string, timeoutMs = 30_000): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await getJson<TaskView>(`/api/v1/tasks/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function filesOf(id: string): Promise<TaskFileView[]> {
  return (await getJson<{ files: TaskFileView[] }>(`/api/v1/tasks/${id}/files`)).files;
}

async function download(file: TaskFileView) {
  const response = await fetch(baseUrl + file.url, { headers: auth() });
  expect(response.status).toBe(200);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('POST /api/v1/files', () => {
  it('profiles and cleans a CSV with malformed rows, keeping the rest', async () => {
    const created = await uploadOne('messy.csv', 'text/csv', MESSY_CSV);
    expect(created.type).toBe('file.process');
    const task = await waitForEnd(created.id);
    expect(task.status).toBe('succeeded');
    expect(task.progress).toBe(100);
    expect(task.result).toMatchObject({ kind: 'csv', rows: 8, validRows: 6, invalidRows: 2 });

    const files = await filesOf(task.id);
    expect(files.map((file) => `${file.role}:${file.kind}`)).toEqual([
      'input:upload',
      'output:cleaned-csv',
      'output:csv-summary',
    ]);
    const input = files[0]!;
    expect(input.sha256).toBe(createHash('sha256').update(MESSY_CSV).digest('hex'));

    const cleaned = (await download(files[1]!)).bytes.toString('utf8');
    expect(cleaned.split('\n')[0]).toBe('id,name,amount,joined');
    expect(cleaned).toContain('"Grace, Rear Admiral"');
    expect(cleaned).toContain('Zoë');
    expect(cleaned).not.toContain('too,many');
    // Rows end in \n; the CRLF inside the quoted field is data and stays, quoted.
    expect(cleaned.startsWith('id,name,amount,joined\n1,Ada,12.5,2026-01-02\n')).toBe(true);
    expect(cleaned).toContain('"multi\r\nline"');

    const summary = JSON.parse((await download(files[2]!)).bytes.toString('utf8')) as {
      problems: Array<{ line: number; message: string }>;
      columns: Array<{ name: string; nulls: number }>;
    };
    expect(summary.problems.map((problem) => problem.line)).toEqual([5, 9]);
    expect(summary.columns.find((column) => column.name === 'amount')?.nulls).toBe(1);

    const logs = await getJson<{ lines: Array<{ message: string }> }>(
      `/api/v1/tasks/${task.id}/logs`,
    );
    expect(logs.lines.map((line) => line.message).join('\n')).toMatch(/Parsed 8 rows/);
  });

  it('sniffs the real type: a PNG named .csv gets thumbnails, a CSV named .png is profiled', async () => {
    const png = await makePng(300, 200);
    const image = await waitForEnd((await uploadOne('table.csv', 'text/csv', png)).id);
    expect(image.status).toBe('succeeded');
    expect((image.payload as { file: { kind: string; declaredType: string } }).file).toMatchObject({
      kind: 'image',
      declaredType: 'text/csv',
    });
    const outputs = (await filesOf(image.id)).filter((file) => file.role === 'output');
    const thumbnails = outputs.filter((file) => file.kind === 'thumbnail');
    expect(thumbnails.length).toBeGreaterThan(0);
    const thumb = await download(thumbnails[0]!);
    expect((await sharp(thumb.bytes).metadata()).format).toBe('webp');

    const csv = await waitForEnd((await uploadOne('photo.png', 'image/png', 'a,b\n1,2\n')).id);
    expect(csv.status).toBe('succeeded');
    expect(csv.result).toMatchObject({ kind: 'csv', rows: 1 });
  });

  it('strips EXIF from every image output', async () => {
    const jpeg = await makeJpegWithExif(640, 480);
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const task = await waitForEnd((await uploadOne('camera.jpg', 'image/jpeg', jpeg)).id);
    expect(task.status).toBe('succeeded');
    const outputs = (await filesOf(task.id)).filter((file) => file.role === 'output');
    expect(outputs.length).toBeGreaterThan(1);
    for (const file of outputs) {
      const metadata = await sharp((await download(file)).bytes).metadata();
      expect(metadata.exif, file.name).toBeUndefined();
    }
    // Orientation 6 means the camera was turned: the outputs are upright, so portrait.
    const clean = outputs.find((file) => file.kind === 'clean-image')!;
    const upright = await sharp((await download(clean)).bytes).metadata();
    expect([upright.width, upright.height]).toEqual([480, 640]);
  });

  it('hashes any other file, and accepts an empty one', async () => {
    const bytes = randomBytes(300_000);
    const task = await waitForEnd(
      (await uploadOne('blob.bin', 'application/octet-stream', bytes)).id,
    );
    expect(task.status).toBe('succeeded');
    expect(task.result).toMatchObject({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });

    const empty = await waitForEnd((await uploadOne('empty.txt', 'text/plain', '')).id);
    expect(empty.status).toBe('succeeded');
    expect(empty.result).toMatchObject({ kind: 'empty', size: 0 });
  });

  it('keeps a unicode name for display and never uses it as a path', async () => {
    const name = '../../../etc/Überstunden 📊 März.csv';
    const task = await uploadOne(name, 'text/csv', 'a\n1\n');
    const [input] = await filesOf(task.id);
    expect(input!.name).toBe('Überstunden 📊 März.csv');
    const { response } = await download(input!);
    expect(response.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Überstunden 📊 März.csv')}`,
    );
    const stored = await listFilesUnder(storageDir);
    expect(stored).toContain(`tasks/${task.id}/input/original`);
    expect(stored.some((file) => file.includes('..') || file.includes('März'))).toBe(false);
    await waitForEnd(task.id);
  });

  it('creates one task per file of a multi-file upload', async () => {
    const result = await upload([
      { name: 'one.csv', type: 'text/csv', body: 'x,y\n1,2\n' },
      { name: 'two.txt', type: 'text/plain', body: 'hello' },
    ]);
    expect(result.status).toBe(201);
    const tasks = result.body.tasks as TaskView[];
    expect(tasks.map((task) => describeFile(task))).toEqual(['one.csv:csv', 'two.txt:text']);
    for (const task of tasks) expect((await waitForEnd(task.id)).status).toBe('succeeded');
  });
});

function describeFile(task: TaskView): string {
  const file = (task.payload as { file: { name: string; kind: string } }).file;
  return `${file.name}:${file.kind}`;
}

describe('POST /api/v1/files: refusals leave nothing behind', () => {
  it('answers 413 at once when the declared length is over the limit', async () => {
    const before = await listFilesUnder(storageDir);
    const result = await upload([
      {
        name: 'big.bin',
        type: 'application/octet-stream',
        body: new Uint8Array(LIMIT + 2 * 1024 * 1024),
      },
    ]);
    expect(result.status).toBe(413);
    expect(result.type).toBe('application/problem+json');
    expect(result.body).toMatchObject({ code: 'payload_too_large' });
    expect(await listFilesUnder(storageDir)).toEqual(before);
  });

  it('answers 413 when a streamed body without a length grows past the limit', async () => {
    const before = await listFilesUnder(storageDir);
    const boundary = 'taskdeck-test-boundary';
    const chunk = new Uint8Array(256 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stream.bin"\r\n` +
              'Content-Type: application/octet-stream\r\n\r\n',
          ),
        );
      },
      pull(controller) {
        if (sent > LIMIT + 4 * 1024 * 1024) {
          controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error as Error);
    // The server answers 413 and stops reading; the client may see the answer or a reset.
    if (response instanceof Response) expect(response.status).toBe(413);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await listFilesUnder(storageDir);
    expect(after.filter((file) => !before.includes(file))).toEqual([]);
  });

  it('refuses requests that are not uploads', async () => {
    const json = await fetch(`${baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const none = await upload([]);
    expect(none.status).toBe(400);
    const direct = await fetch(`${baseUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'file.process', payload: {} }),
    });
    expect(direct.status).toBe(400);
    expect(JSON.stringify(await direct.json())).toContain('POST /api/v1/files');
    const anonymous = await fetch(`${baseUrl}/api/v1/files`, {
      method: 'POST',
      body: new FormData(),
    });
    expect(anonymous.status).toBe(401);
  });
});
