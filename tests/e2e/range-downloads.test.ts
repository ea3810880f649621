import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskFileView } from '@/lib/files/task-file-view';
import { createApiClient, requireData, type ApiClient } from '../support/api-client';
import { MESSY_CSV } from '../support/upload-files';
import { createTestApiKey, createTestUser } from '../support/users';

// Range requests on the two download routes, against the production build (local disk driver;
// the S3 driver's ranged reads are in tests/integration/storage-s3-flow.test.ts): exact bytes,
// 206 / 416 / 200, the validators and If-Range, and a download resumed with Node's fetch.

const baseUrl = inject('baseUrl');
const SIZE = 300_000;
const blob = randomBytes(SIZE);
let auth: Record<string, string>;
let client: ApiClient;
let blobFile: TaskFileView;
let emptyFile: TaskFileView;
let csvTaskId: string;

async function uploadAndWait(name: string, type: string, body: Uint8Array | string) {
  const form = new FormData();
  form.append('file', new Blob([body as BlobPart], { type }), name);
  const response = await fetch(`${baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  expect(response.status).toBe(201);
  const { tasks } = (await response.json()) as { tasks: Array<{ id: string }> };
  const id = tasks[0]!.id;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const task = requireData(await client.GET('/api/v1/tasks/{id}', { params: { path: { id } } }));
    if (task.status === 'succeeded') break;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { files } = requireData(
    await client.GET('/api/v1/tasks/{id}/files', { params: { path: { id } } }),
  );
  return { id, input: files.find((file) => file.role === 'input')! as TaskFileView };
}

beforeAll(async () => {
  const apiKey = await createTestApiKey(await createTestUser('user', 'ranges'));
  auth = { authorization: `Bearer ${apiKey}` };
  client = createApiClient(baseUrl, { apiKey });
  [blobFile, emptyFile, csvTaskId] = await Promise.all([
    uploadAndWait('blob.bin', 'application/octet-stream', blob).then((task) => task.input),
    uploadAndWait('empty.txt', 'text/plain', '').then((task) => task.input),
    uploadAndWait('messy.csv', 'text/csv', MESSY_CSV).then((task) => task.id),
  ]);
}, 90_000);

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(baseUrl + url, { headers: { ...auth, ...headers } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('GET /api/v1/tasks/{id}/files/{fileId} with Range', () => {
  it('sends the whole file with Accept-Ranges, a strong ETag, Last-Modified and the old headers', async () => {
    const { response, bytes } = await get(blobFile.url);
    expect(response.status).toBe(200);
    expect(sha256(bytes)).toBe(blobFile.sha256);
    const headers = Object.fromEntries(response.headers);
    expect(headers).toMatchObject({
      'accept-ranges': 'bytes',
      etag: `"${blobFile.id}-${blobFile.sha256}"`,
      'last-modified': new Date(blobFile.createdAt).toUTCString(),
      'cache-control': 'private, no-store, no-transform',
      'x-content-type-options': 'nosniff',
    });
    expect(headers['content-disposition']).toMatch(/^attachment; filename="blob.bin"/);
    expect(headers['content-security-policy']).toMatch(/^default-src 'none';.* sandbox$/);
    // Sent as stored: a gzip on the way would make Content-Range name other bytes.
    expect(headers['content-encoding']).toBeUndefined();
    // With its length, not chunked: a browser shows the size and the time left.
    expect(headers['content-length']).toBe(String(SIZE));
    expect(headers['transfer-encoding']).toBeUndefined();
  });

  it('answers HEAD with the headers of the GET and no body', async () => {
    const response = await fetch(baseUrl + blobFile.url, { method: 'HEAD', headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(SIZE));
    expect(response.headers.get('etag')).toBe(`"${blobFile.id}-${blobFile.sha256}"`);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    const part = await fetch(baseUrl + blobFile.url, {
      method: 'HEAD',
      headers: { ...auth, range: 'bytes=10-19' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-length')).toBe('10');
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${SIZE}`);
  });

  it.each<[string, number, number]>([
    ['bytes=0-99', 0, 99],
    ['bytes=1000-', 1000, SIZE - 1],
    ['bytes=-500', SIZE - 500, SIZE - 1],
    [`bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1],
    [`bytes=10-${SIZE * 2}`, 10, SIZE - 1],
    [`bytes=20-${'9'.repeat(30)}`, 20, SIZE - 1],
    [`bytes=-${SIZE * 3}`, 0, SIZE - 1],
    ['BYTES= 7-8 ,', 7, 8],
  ])('%s → 206 with bytes %i-%i exactly', async (range, start, end) => {
    const { response, bytes } = await get(blobFile.url, { range, 'accept-encoding': 'gzip' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(bytes.length).toBe(end - start + 1);
    expect(response.headers.get('etag')).toBe(`"${blobFile.id}-${blobFile.sha256}"`);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(bytes.equals(blob.subarray(start, end + 1))).toBe(true);
  });

  it.each([
    'bytes=0-1,5-6',
    'bytes=5-3',
    'bytes=abc',
    'items=0-1',
    'bytes=-',
    `bytes=0-${'1,'.repeat(300)}`,
  ])('%s is ignored: 200 with the whole file', async (range) => {
    const { response, bytes } = await get(blobFile.url, { range });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBeNull();
    expect(bytes.equals(blob)).toBe(true);
  });

  it.each([
    `bytes=${SIZE}-`,
    `bytes=${SIZE + 5}-${SIZE + 9}`,
    'bytes=-0',
    `bytes=${'9'.repeat(30)}-`,
  ])('%s → 416 problem+json naming the size', async (range) => {
    const { response, bytes } = await get(blobFile.url, { range });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${SIZE}`);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(bytes.toString())).toMatchObject({
      status: 416,
      code: 'range_not_satisfiable',
    });
  });

  it('answers 416 to any range of an empty file, 200 without one', async () => {
    for (const range of ['bytes=0-', 'bytes=-1', 'bytes=0-0']) {
      const { response } = await get(emptyFile.url, { range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */0');
    }
    const whole = await get(emptyFile.url);
    expect(whole.response.status).toBe(200);
    expect(whole.bytes).toHaveLength(0);
  });

  it('honours If-Range only when it names this file', async () => {
    const etag = `"${blobFile.id}-${blobFile.sha256}"`;
    const date = new Date(blobFile.createdAt).toUTCString();
    for (const ifRange of [etag, date]) {
      const { response, bytes } = await get(blobFile.url, {
        range: 'bytes=100-199',
        'if-range': ifRange,
      });
      expect(response.status, ifRange).toBe(206);
      expect(bytes.equals(blob.subarray(100, 200))).toBe(true);
    }
    const later = new Date(new Date(blobFile.createdAt).getTime() + 60_000).toUTCString();
    for (const ifRange of [`W/${etag}`, '"someone-else"', later, 'not a date']) {
      const { response, bytes } = await get(blobFile.url, {
        range: 'bytes=100-199',
        'if-range': ifRange,
      });
      expect(response.status, ifRange).toBe(200);
      expect(bytes.equals(blob)).toBe(true);
    }
  });

  it('resumes a download with Node fetch: two halves that hash to the original', async () => {
    const half = Math.floor(SIZE / 2);
    const first = await fetch(baseUrl + blobFile.url, {
      headers: { ...auth, range: `bytes=0-${half - 1}` },
    });
    expect(first.status).toBe(206);
    const etag = first.headers.get('etag')!;
    const head = Buffer.from(await first.arrayBuffer());
    expect(head).toHaveLength(half);
    const rest = await fetch(baseUrl + blobFile.url, {
      headers: { ...auth, range: `bytes=${head.length}-`, 'if-range': etag },
    });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${half}-${SIZE - 1}/${SIZE}`);
    const tail = Buffer.from(await rest.arrayBuffer());
    expect(sha256(Buffer.concat([head, tail]))).toBe(blobFile.sha256);
  });

  it('keeps serving after a client hangs up in the middle of a download', async () => {
    const aborter = new AbortController();
    const response = await fetch(baseUrl + blobFile.url, { headers: auth, signal: aborter.signal });
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    aborter.abort();
    await reader.read().catch(() => undefined);
    const again = await get(blobFile.url, { range: 'bytes=0-9' });
    expect(again.response.status).toBe(206);
    expect(again.bytes.equals(blob.subarray(0, 10))).toBe(true);
  });
});

describe('GET /api/v1/tasks/{id}/result with Range', () => {
  it('serves ranges of the main output with the validators of its file row', async () => {
    const url = `/api/v1/tasks/${csvTaskId}/result`;
    const whole = await get(url);
    expect(whole.response.status).toBe(200);
    expect(whole.response.headers.get('accept-ranges')).toBe('bytes');
    const { files } = requireData(
      await client.GET('/api/v1/tasks/{id}/files', { params: { path: { id: csvTaskId } } }),
    );
    const cleaned = files.find((file) => file.kind === 'cleaned-csv')!;
    const etag = `"${cleaned.id}-${cleaned.sha256}"`;
    expect(whole.response.headers.get('etag')).toBe(etag);
    const size = whole.bytes.length;
    expect(whole.response.headers.get('content-length')).toBe(String(size));

    const part = await get(url, { range: 'bytes=-10', 'if-range': etag });
    expect(part.response.status).toBe(206);
    expect(part.response.headers.get('content-range')).toBe(
      `bytes ${size - 10}-${size - 1}/${size}`,
    );
    expect(part.bytes.equals(whole.bytes.subarray(size - 10))).toBe(true);
    expect((await get(url, { range: 'bytes=0-4', 'if-range': '"old"' })).response.status).toBe(200);
    const past = await get(url, { range: `bytes=${size}-` });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get('content-range')).toBe(`bytes */${size}`);
  });
});
