import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { RangeNotSatisfiableError } from '@/lib/errors';
import { GET as getFile } from '@/app/api/v1/tasks/[id]/files/[fileId]/route';
import { GET as getResult } from '@/app/api/v1/tasks/[id]/result/route';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { handleUpload } from '@/server/http/upload-endpoint';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createS3Client } from '@/server/storage/s3-storage';
import { getStorage } from '@/server/storage/storage';
import { listTaskFiles, openTaskFile } from '@/server/files/task-files';
import { rangeChooser } from '@/server/http/download-range';
import { getTask, openTaskResult } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { MESSY_CSV } from '../support/upload-files';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// The whole path with STORAGE_DRIVER=s3 against a real S3 protocol server (s3rver in its own
// process): an upload streamed to the bucket, a worker reading it back and writing its outputs
// there, the result downloaded; and with the server stopped, 503 with Retry-After, not 500.

let s3: S3TestServer;
let worker: RunningTaskWorker;
let owner: TestUser;
let apiKey: string;
const bus = new BusRecorder();
const BOUNDARY = 'taskdeck-s3-boundary';

beforeAll(async () => {
  s3 = await startS3Server([16450, 16499]);
  Object.assign(process.env, s3.env);
  resetEnvCache();
  owner = await createTestUser();
  apiKey = await createTestApiKey(owner);
  await bus.start();
  worker = await startTaskWorker({ queues: ['files'] });
});

afterAll(async () => {
  await worker?.stop(5_000);
  await bus.stop();
  await closeClients();
  await s3?.close();
});

function upload(name: string, content: string): Promise<Response> {
  const body = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      `Content-Type: text/csv\r\n\r\n${content}\r\n--${BOUNDARY}--\r\n`,
  );
  const headers = new Headers({
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    'content-length': String(body.length),
    authorization: `Bearer ${apiKey}`,
  });
  return handleUpload(headers, Readable.from([body]));
}

function fetchResult(id: string, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`http://localhost/api/v1/tasks/${id}/result`, {
    headers: { authorization: `Bearer ${apiKey}`, ...headers },
  });
  return getResult(request, { params: Promise.resolve({ id }) });
}

describe('STORAGE_DRIVER=s3', () => {
  it('uploads a CSV to the bucket, processes it there and serves the result', async () => {
    const response = await upload('people.csv', MESSY_CSV);
    expect(response.status).toBe(201);
    const { tasks } = (await response.json()) as { tasks: Array<{ id: string }> };
    const id = tasks[0]!.id;
    const done = await bus.waitForUpdate(id, isTerminal, 60_000);
    expect(done.status).toBe('succeeded');

    // Every file of the task is in the bucket, none on the local disk.
    const client = createS3Client(s3.config);
    try {
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: `tasks/${id}/` }),
      );
      const keys = (listed.Contents ?? []).map((entry) => entry.Key);
      expect(keys).toContain(`tasks/${id}/input/original`);
      expect(keys.filter((key) => key?.startsWith(`tasks/${id}/outputs/`)).length).toBeGreaterThan(
        0,
      );
    } finally {
      client.destroy();
    }
    const original = await getStorage().read(`tasks/${id}/input/original`);
    expect(await text(original.stream)).toBe(MESSY_CSV);

    const task = await getTask(owner.principal, id);
    expect(task.status).toBe('succeeded');
    const result = await openTaskResult(owner.principal, id, NO_AUDIT_CONTEXT);
    expect(result.size).toBeGreaterThan(0);
    const served = await fetchResult(id);
    expect(served.status).toBe(200);
    expect((await served.arrayBuffer()).byteLength).toBe(result.size);
    result.stream.destroy();

    // With the object store stopped: the download and a new upload answer 503, Retry-After.
    await s3.stop();
    try {
      for (const answer of [await fetchResult(id), await upload('again.csv', MESSY_CSV)]) {
        expect(answer.status).toBe(503);
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        const problem = (await answer.json()) as { detail?: string };
        expect(problem.detail).toMatch(/file storage/);
      }
    } finally {
      await s3.start();
    }
    // And back: the same download works again.
    expect((await fetchResult(id)).status).toBe(200);
  });
});

describe('STORAGE_DRIVER=s3: ranged downloads', () => {
  it('reads only the asked bytes from the bucket, for the result and for any file', async () => {
    const response = await upload('ranged.csv', MESSY_CSV);
    const { tasks } = (await response.json()) as { tasks: Array<{ id: string }> };
    const id = tasks[0]!.id;
    expect((await bus.waitForUpdate(id, isTerminal, 60_000)).status).toBe('succeeded');

    const whole = await fetchResult(id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const etag = whole.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f-]{36}-[0-9a-f]{64}"$/);
    const bytes = Buffer.from(await whole.arrayBuffer());
    const size = bytes.length;
    expect(size).toBeGreaterThan(20);

    const part = await fetchResult(id, { range: 'bytes=5-14', 'if-range': etag! });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-14/${size}`);
    expect(part.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(5, 15));

    const tail = await fetchResult(id, { range: 'bytes=-7' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(size - 7));

    const stale = await fetchResult(id, { range: 'bytes=5-14', 'if-range': '"other"' });
    expect(stale.status).toBe(200);
    expect(Buffer.from(await stale.arrayBuffer())).toEqual(bytes);

    const past = await fetchResult(id, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(past.headers.get('content-type')).toContain('application/problem+json');
    expect(await past.json()).toMatchObject({ code: 'range_not_satisfiable' });

    // The same through the files route, for the upload itself (the input row).
    const input = (await listTaskFiles(owner.principal, id)).find((file) => file.role === 'input')!;
    const served = await getFile(
      new Request(`http://localhost${input.url}`, {
        headers: { authorization: `Bearer ${apiKey}`, range: 'bytes=3-' },
      }),
      { params: Promise.resolve({ id, fileId: input.id }) },
    );
    expect(served.status).toBe(206);
    expect(served.headers.get('etag')).toBe(`"${input.id}-${input.sha256}"`);
    expect(await served.text()).toBe(MESSY_CSV.slice(3));

    // An admin's ranged read of someone else's file is one audited download; a refused one none.
    const admin = await createTestUser('admin', 's3-range-admin');
    const audited = () =>
      getPrisma().auditEvent.findMany({
        where: { action: 'task.result_download', targetId: id, actorId: admin.principal.userId },
      });
    const chooser = (range: string) => rangeChooser(new Headers({ range }));
    const opened = await openTaskFile(
      admin.principal,
      id,
      input.id,
      NO_AUDIT_CONTEXT,
      chooser('bytes=0-1'),
    );
    expect(await text(opened.stream)).toBe(MESSY_CSV.slice(0, 2));
    await expect(
      openTaskFile(admin.principal, id, input.id, NO_AUDIT_CONTEXT, chooser(`bytes=${size * 99}-`)),
    ).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    const events = await audited();
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ file: input.name, range: '0-1' });
  });
});
