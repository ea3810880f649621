import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { STREAM_EVENTS } from '@/lib/realtime/event-stream';
import { closeClients } from '@/server/infra/clients';
import type { TaskView } from '@/lib/tasks/task-view';
import { createContractClient, NO_SUCH_ID } from '../support/openapi-contract-client';
import { describeLaterContracts } from './openapi-contract-cases';
import { createContractChecker, type OpenApiDoc } from '../support/openapi-validator';
import { MESSY_CSV } from '../support/upload-files';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Every operation of the OpenAPI document the production build serves, called for real: its
// success and its main errors, each answer checked against the document (status, content type,
// body schema; every error against the shared Problem schema). At the end every operation must
// have been seen answering its documented success.

const baseUrl = inject('baseUrl');
let doc: OpenApiDoc;
let contract: ReturnType<typeof createContractChecker>;
let userKey: string;
let adminKey: string;
let admin: TestUser;

const client = createContractClient({
  baseUrl,
  contract: () => contract,
  defaultKey: () => userKey,
});
const { call } = client;

async function createTask(body: unknown, key = userKey): Promise<TaskView> {
  const { status, body: task } = await call('POST', '/api/v1/tasks', {}, { key, body });
  expect(status).toBe(201);
  return task as TaskView;
}

async function waitForStatus(id: string, statuses: string[], key = userKey): Promise<TaskView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await call('GET', '/api/v1/tasks/{id}', { id }, { key });
    const task = body as TaskView;
    if (statuses.includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
  doc = (await response.json()) as OpenApiDoc;
  contract = createContractChecker(doc);
  userKey = await createTestApiKey(await createTestUser('user', 'contract'));
  admin = await createTestUser('admin', 'contract-admin');
  adminKey = await createTestApiKey(admin);
});

afterAll(() => closeClients());

describe('the served OpenAPI document', () => {
  it('is public and answers as it documents itself', async () => {
    const { status, body } = await call('GET', '/api/v1/openapi.json', {}, { key: null });
    expect(status).toBe(200);
    expect((body as { openapi: string }).openapi).toBe('3.1.0');
  });
});

describe('tasks', () => {
  it('create, list, read, cancel, retry and history answer as documented', async () => {
    const body = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };
    expect((await call('POST', '/api/v1/tasks', {}, { key: null, body })).status).toBe(401);
    const unknown = await call('POST', '/api/v1/tasks', {}, { body: { type: 'report.explode' } });
    expect(unknown.status).toBe(400);
    const idempotencyKey = randomUUID();
    const headers = { 'idempotency-key': idempotencyKey };
    expect((await call('POST', '/api/v1/tasks', {}, { body, headers })).status).toBe(201);
    const reused = await call(
      'POST',
      '/api/v1/tasks',
      {},
      { body: { ...body, priority: 'low' }, headers },
    );
    expect(reused.status).toBe(422);
    const tooLarge = await call(
      'POST',
      '/api/v1/tasks',
      {},
      {
        raw: JSON.stringify({ type: 'x', payload: 'a'.repeat(getEnv().JSON_BODY_MAX_BYTES) }),
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(tooLarge.status).toBe(413);

    expect((await call('GET', '/api/v1/tasks', {}, { query: 'limit=5' })).status).toBe(200);
    expect((await call('GET', '/api/v1/tasks', {}, { query: 'limit=0' })).status).toBe(400);
    expect((await call('GET', '/api/v1/tasks', {}, { key: null })).status).toBe(401);

    const delayed = await createTask({ ...body, delayMs: 3_600_000 });
    expect((await call('GET', '/api/v1/tasks/{id}', { id: NO_SUCH_ID })).status).toBe(404);
    const cancel = (id: string) => call('POST', '/api/v1/tasks/{id}/cancel', { id });
    const retry = (id: string) => call('POST', '/api/v1/tasks/{id}/retry', { id });
    expect((await cancel(delayed.id)).status).toBe(202);
    expect((await retry(delayed.id)).status).toBe(202);
    expect((await cancel(NO_SUCH_ID)).status).toBe(404);
    expect((await retry(NO_SUCH_ID)).status).toBe(404);
    // A finished task: nothing to cancel, nothing to retry.
    const done = await waitForStatus((await createTask(body)).id, ['succeeded']);
    expect((await cancel(done.id)).status).toBe(409);
    expect((await retry(done.id)).status).toBe(409);
    const history = await call('GET', '/api/v1/tasks/{id}/transitions', { id: delayed.id });
    expect(history.status).toBe(200);
    expect((history.body as { data: unknown[] }).data.length).toBeGreaterThanOrEqual(3);
    expect((await call('GET', '/api/v1/tasks/{id}/transitions', { id: NO_SUCH_ID })).status).toBe(
      404,
    );
  });

  it('bulk actions are for admins; a cookie-signed write must come from the app', async () => {
    const task = await createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
    });
    const body = { action: 'cancel', ids: [task.id] };
    expect((await call('POST', '/api/v1/tasks/bulk', {}, { body })).status).toBe(403);
    expect((await call('POST', '/api/v1/tasks/bulk', {}, { key: adminKey, body })).status).toBe(
      200,
    );
    const invalid = await call(
      'POST',
      '/api/v1/tasks/bulk',
      {},
      { key: adminKey, body: { ids: [] } },
    );
    expect(invalid.status).toBe(400);
    const crossOrigin = await call(
      'POST',
      '/api/v1/tasks/bulk',
      {},
      {
        key: null,
        body,
        headers: { cookie: admin.cookie, origin: 'https://elsewhere.example' },
      },
    );
    expect(crossOrigin.status).toBe(403);
    const notJson = await call(
      'POST',
      '/api/v1/tasks/bulk',
      {},
      {
        key: null,
        raw: JSON.stringify(body),
        headers: { cookie: admin.cookie, origin: baseUrl, 'content-type': 'text/plain' },
      },
    );
    expect(notJson.status).toBe(415);
  });

  it('bulk over a filter: a dry run counts, the action starts a task with its outcome, users are refused', async () => {
    const task = await createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 3_600_000,
    });
    const filter = { q: task.id };
    const path = '/api/v1/tasks/bulk-by-filter';
    expect((await call('POST', path, {}, { body: { dryRun: true, filter } })).status).toBe(403);
    const preview = await call('POST', path, {}, { key: adminKey, body: { dryRun: true, filter } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ matching: 1, actionable: { cancel: 1, retry: 0 } });
    const done = await call(
      'POST',
      path,
      {},
      { key: adminKey, body: { action: 'cancel', filter } },
    );
    expect(done.status).toBe(202);
    const bulk = done.body as TaskView;
    expect(bulk).toMatchObject({ type: 'tasks.bulk', status: 'queued' });
    expect(done.headers.get('location')).toBe(`/api/v1/tasks/${bulk.id}`);
    const ended = await waitForStatus(bulk.id, ['succeeded'], adminKey);
    expect(ended.result).toMatchObject({
      action: 'cancel',
      matched: 1,
      succeeded: 1,
    });
    await waitForStatus(task.id, ['cancelled']);
    const invalid = await call('POST', path, {}, { key: adminKey, body: { filter } });
    expect(invalid.status).toBe(400);
  });
});

describe('files', () => {
  it('uploads, outputs, downloads and logs answer as documented; the digest is real', async () => {
    const form = new FormData();
    form.append('file', new Blob([MESSY_CSV], { type: 'text/csv' }), 'messy.csv');
    const uploaded = await call('POST', '/api/v1/files', {}, { raw: form });
    expect(uploaded.status).toBe(201);
    expect((await call('POST', '/api/v1/files', {}, { key: null, raw: form })).status).toBe(401);
    const notMultipart = await call('POST', '/api/v1/files', {}, { body: { file: 'x' } });
    expect(notMultipart.status).toBe(415);

    const [fileTask] = (uploaded.body as { tasks: TaskView[] }).tasks;
    await waitForStatus(fileTask!.id, ['succeeded']);
    const listed = await call('GET', '/api/v1/tasks/{id}/files', { id: fileTask!.id });
    expect(listed.status).toBe(200);
    const files = (listed.body as { files: Array<{ id: string; sha256: string | null }> }).files;
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const download = await call('GET', '/api/v1/tasks/{id}/files/{fileId}', {
        id: fileTask!.id,
        fileId: file.id,
      });
      expect(download.status).toBe(200);
      expect(file.sha256).toBe(createHash('sha256').update(download.bytes).digest('hex'));
    }
    const ids = { id: fileTask!.id, fileId: NO_SUCH_ID };
    expect((await call('GET', '/api/v1/tasks/{id}/files/{fileId}', ids)).status).toBe(404);
    expect((await call('GET', '/api/v1/tasks/{id}/files', { id: NO_SUCH_ID })).status).toBe(404);
    expect((await call('GET', '/api/v1/tasks/{id}/result', { id: fileTask!.id })).status).toBe(200);
    expect((await call('GET', '/api/v1/tasks/{id}/result', { id: NO_SUCH_ID })).status).toBe(404);
    // One range: 206; a range past the end: 416, as documented for both downloads.
    const first = { id: fileTask!.id, fileId: files[0]!.id };
    for (const [path, values] of [
      ['/api/v1/tasks/{id}/result', { id: fileTask!.id }],
      ['/api/v1/tasks/{id}/files/{fileId}', first],
    ] as const) {
      const part = await call('GET', path, values, { headers: { range: 'bytes=0-3' } });
      expect(part.status).toBe(206);
      expect(part.bytes).toHaveLength(4);
      const past = await call('GET', path, values, { headers: { range: 'bytes=99999999-' } });
      expect(past.status).toBe(416);
    }
    const logs = await call('GET', '/api/v1/tasks/{id}/logs', { id: fileTask!.id });
    expect(logs.status).toBe(200);
    expect((await call('GET', '/api/v1/tasks/{id}/logs', { id: NO_SUCH_ID })).status).toBe(404);
  });
});

describe('schedules', () => {
  const schedule = () => ({
    name: `contract ${randomUUID().slice(0, 8)}`,
    taskType: 'diagnostics.simulate',
    payload: { steps: 1, stepMs: 0 },
    repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' },
    enabled: false,
  });
  let created: { id: string; name: string } | undefined;

  afterAll(async () => {
    if (created)
      await call('DELETE', '/api/v1/schedules/{id}', { id: created.id }, { key: adminKey });
  });

  it('CRUD, run now and runs answer as documented', async () => {
    const admin = { key: adminKey };
    expect((await call('GET', '/api/v1/schedules', {}, admin)).status).toBe(200);
    expect((await call('GET', '/api/v1/schedules', {})).status).toBe(403);
    const made = await call('POST', '/api/v1/schedules', {}, { ...admin, body: schedule() });
    expect(made.status).toBe(201);
    created = made.body as { id: string; name: string };
    const taken = await call(
      'POST',
      '/api/v1/schedules',
      {},
      {
        ...admin,
        body: { ...schedule(), name: created.name },
      },
    );
    expect(taken.status).toBe(409);
    const unknownType = await call(
      'POST',
      '/api/v1/schedules',
      {},
      {
        ...admin,
        body: { ...schedule(), taskType: 'email.sendd' },
      },
    );
    expect(unknownType.status).toBe(400);
    const errors = (unknownType.body as { errors: Array<{ path: string; message: string }> })
      .errors;
    expect(errors.map((error) => error.path)).toEqual(['taskType']);
    expect(errors[0]!.message).not.toMatch(/email\.send|file\.process/);

    const id = { id: created.id };
    expect((await call('GET', '/api/v1/schedules/{id}', id, admin)).status).toBe(200);
    expect((await call('GET', '/api/v1/schedules/{id}', { id: NO_SUCH_ID }, admin)).status).toBe(
      404,
    );
    const renamed = { ...admin, body: { name: `${created.name} renamed` } };
    expect((await call('PATCH', '/api/v1/schedules/{id}', id, renamed)).status).toBe(200);
    const badPatch = { ...admin, body: { repeat: { kind: 'interval', everyMs: 1 } } };
    expect((await call('PATCH', '/api/v1/schedules/{id}', id, badPatch)).status).toBe(400);
    expect((await call('POST', '/api/v1/schedules/{id}/run', id, admin)).status).toBe(201);
    expect(
      (await call('POST', '/api/v1/schedules/{id}/run', { id: NO_SUCH_ID }, admin)).status,
    ).toBe(404);
    expect((await call('GET', '/api/v1/schedules/{id}/runs', id, admin)).status).toBe(200);
    const badPage = { ...admin, query: 'limit=0' };
    expect((await call('GET', '/api/v1/schedules/{id}/runs', id, badPage)).status).toBe(400);
    expect((await call('DELETE', '/api/v1/schedules/{id}', id, admin)).status).toBe(204);
    created = undefined;
    expect((await call('DELETE', '/api/v1/schedules/{id}', id, admin)).status).toBe(404);
  });
});

describe('queues and the system', () => {
  it('queues, pause and resume answer as documented', async () => {
    const admin = { key: adminKey };
    expect((await call('GET', '/api/v1/queues', {}, admin)).status).toBe(200);
    expect((await call('GET', '/api/v1/queues', {})).status).toBe(403);
    // The maintenance queue: nothing else in this tier waits on it for the moment it is paused.
    const name = { name: 'maintenance' };
    expect((await call('POST', '/api/v1/queues/{name}/pause', name, admin)).status).toBe(200);
    expect((await call('POST', '/api/v1/queues/{name}/resume', name, admin)).status).toBe(200);
    const none = { name: 'no-such-queue' };
    expect((await call('POST', '/api/v1/queues/{name}/pause', none, admin)).status).toBe(404);
    expect((await call('POST', '/api/v1/queues/{name}/resume', none, admin)).status).toBe(404);
  });

  it('health and metrics answer as documented', async () => {
    expect((await call('GET', '/api/health', {}, { key: null })).status).toBe(200);
    const metrics = { key: getEnv().METRICS_TOKEN! };
    expect((await call('GET', '/metrics', {}, metrics)).status).toBe(200);
    expect((await call('GET', '/metrics', {}, { key: 'wrong-token-of-some-length' })).status).toBe(
      401,
    );
  });
});

describeLaterContracts({
  client,
  createTask,
  waitForStatus,
  admin: () => ({ user: admin, key: adminKey }),
});

describe('coverage', () => {
  it('the checker refuses what the document does not allow', () => {
    const wrongBody = { status: 200, type: 'application/json', body: { id: 1 } };
    expect(() => contract.check('GET', '/api/v1/tasks/{id}', wrongBody)).toThrow();
    const undocumented = { status: 418, type: 'application/problem+json', body: {} };
    expect(() => contract.check('GET', '/api/v1/tasks/{id}', undocumented)).toThrow();
    const notProblem = { status: 404, type: 'application/json', body: {} };
    expect(() => contract.check('GET', '/api/v1/tasks/{id}', notProblem)).toThrow();
    // Events: a payload off its schema, and an event the stream does not send.
    const update = { type: STREAM_EVENTS.taskUpdated, data: { id: NO_SUCH_ID } };
    expect(() => contract.checkEvent('GET', '/api/v1/events', update)).toThrow();
    const line = { type: STREAM_EVENTS.taskLog, data: {} };
    expect(() => contract.checkEvent('GET', '/api/v1/events', line)).toThrow();
  });

  it('saw every documented operation answer its success', () => {
    const missing = contract
      .coverage()
      .filter((entry) => !entry.statuses.some((status) => status < 300))
      .map((entry) => entry.operation);
    expect(missing).toEqual([]);
  });
});
