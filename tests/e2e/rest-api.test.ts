import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { createApiClient, requireData, type ApiSchemas } from '../support/api-client';
import { createTestApiKey, createTestUser } from '../support/users';

// The REST API over real HTTP against the production build, as an integration with an API key.

const baseUrl = inject('baseUrl');
let apiKey: string;

beforeAll(async () => {
  apiKey = await createTestApiKey(await createTestUser('user', 'integration'));
});

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(baseUrl + path, {
    ...init,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      ...init.headers,
    },
  });
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await response.json() : await response.text();
  return { status: response.status, type, headers: response.headers, body };
}

function post(body: unknown, raw = false, headers: Record<string, string> = {}) {
  return api('/api/v1/tasks', {
    method: 'POST',
    body: raw ? (body as string) : JSON.stringify(body),
    headers,
  });
}

async function waitForStatus(
  id: string,
  statuses: string[],
  timeoutMs = 20_000,
): Promise<ApiSchemas['Task']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = requireData(
      await createApiClient(baseUrl, { apiKey }).GET('/api/v1/tasks/{id}', {
        params: { path: { id } },
      }),
    );
    if (statuses.includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectProblem(
  result: { status: number; type: string; body: unknown },
  status: number,
  fields: string[] = [],
) {
  expect(result.status).toBe(status);
  expect(result.type).toBe('application/problem+json');
  const problem = result.body as {
    status: number;
    title: string;
    detail: string;
    errors?: Array<{ path: string }>;
  };
  expect(problem.status).toBe(status);
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.detail).toEqual(expect.any(String));
  for (const field of fields) {
    expect(problem.errors?.map((error) => error.path)).toContain(field);
  }
}

describe('POST /api/v1/tasks', () => {
  it('creates a task: 201, Location, the task as recorded', async () => {
    const result = await post({
      type: 'report.generate',
      payload: { from: '2020-01-01', to: '2020-01-31' },
    });
    expect(result.status).toBe(201);
    const task = result.body as TaskView;
    expect(result.headers.get('location')).toBe(`/api/v1/tasks/${task.id}`);
    expect(task).toMatchObject({
      type: 'report.generate',
      status: 'queued',
      progress: 0,
      payload: { from: '2020-01-01', to: '2020-01-31' },
      attempts: 0,
      maxAttempts: 3,
    });
    const done = await waitForStatus(task.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: 100,
      resultUrl: `/api/v1/tasks/${task.id}/result`,
    });
  });

  it('400 for malformed JSON', async () => {
    expectProblem(await post('{"type": "report.generate",', true), 400, ['']);
  });

  it('400 for a body that is not an object, or has unknown keys', async () => {
    expectProblem(await post(['report.generate']), 400, ['']);
    expectProblem(await post({ type: 'report.generate', colour: 'red' }), 400, ['']);
  });

  it('400 naming the type for an unknown or missing type', async () => {
    expectProblem(await post({ type: 'report.explode' }), 400, ['type']);
    expectProblem(await post({ payload: {} }), 400, ['type']);
  });

  it('400 with per-field details for an invalid payload', async () => {
    const result = await post({
      type: 'report.generate',
      payload: { from: 'yesterday', to: '2020-02-30' },
    });
    expectProblem(result, 400, ['payload.from', 'payload.to']);
    const reversed = await post({
      type: 'report.generate',
      payload: { from: '2020-02-01', to: '2020-01-01' },
    });
    expectProblem(reversed, 400, ['payload.from']);
  });
});

describe('Idempotency-Key on POST /api/v1/tasks', () => {
  it('a repeat returns the same task, marked as a replay; another body with the key is 422', async () => {
    const key = `e2e-${randomUUID()}`;
    const body = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };
    const first = await post(body, false, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const task = first.body as TaskView;

    const again = await post(body, false, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/api/v1/tasks/${task.id}`);
    expect((again.body as TaskView).id).toBe(task.id);

    // Still the same task once it has run: a replay answers with its current state.
    await waitForStatus(task.id, ['succeeded']);
    const late = await post(body, false, { 'idempotency-key': key });
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.body).toMatchObject({ id: task.id, status: 'succeeded' });

    const reused = await post({ ...body, payload: { steps: 2, stepMs: 0 } }, false, {
      'idempotency-key': key,
    });
    expectProblem(reused, 422);
    expect((reused.body as { code: string }).code).toBe('idempotency_key_reused');

    // Only one task was made for the key.
    const { body: listed } = await api('/api/v1/tasks?type=diagnostics.simulate&limit=100');
    const ids = (listed as { data: TaskView[] }).data.map((entry) => entry.id);
    expect(ids.filter((id) => id === task.id)).toHaveLength(1);
  });

  it('keys belong to their user: another user with the same key gets a task of their own', async () => {
    const key = `e2e-${randomUUID()}`;
    const body = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };
    const mine = await post(body, false, { 'idempotency-key': key });
    const otherKey = await createTestApiKey(await createTestUser('user', 'idempotency'));
    const theirs = await createApiClient(baseUrl, { apiKey: otherKey }).POST('/api/v1/tasks', {
      params: { header: { 'idempotency-key': key } },
      body,
    });
    expect(theirs.response.status).toBe(201);
    expect(theirs.response.headers.get('idempotent-replayed')).toBeNull();
    expect(requireData(theirs).id).not.toBe((mine.body as TaskView).id);
  });

  it('400 for a key that is not printable ASCII', async () => {
    const result = await post({ type: 'diagnostics.simulate', payload: { steps: 1 } }, false, {
      'idempotency-key': 'has spaces in it',
    });
    expectProblem(result, 400);
  });
});

describe('GET /api/v1/tasks/{id}', () => {
  it('404 problem for an unknown id and for a malformed one', async () => {
    expectProblem(await api('/api/v1/tasks/00000000-0000-7000-8000-000000000000'), 404);
    expectProblem(await api('/api/v1/tasks/not-an-id'), 404);
  });
});

describe('GET /api/v1/tasks/{id}/result', () => {
  it('404 before there is a file; the CSV with a download name after', async () => {
    const { body } = await post({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } });
    const noFile = (body as TaskView).id;
    await waitForStatus(noFile, ['succeeded']);
    expectProblem(await api(`/api/v1/tasks/${noFile}/result`), 404);

    const report = (
      await post({ type: 'report.generate', payload: { from: '2020-03-01', to: '2020-03-02' } })
    ).body as TaskView;
    await waitForStatus(report.id, ['succeeded']);
    const file = await fetch(`${baseUrl}/api/v1/tasks/${report.id}/result`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toContain(
      'filename="activity-2020-03-01-to-2020-03-02.csv"',
    );
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe(
      'date,type,status,count,avg_duration_ms,p50_duration_ms,p95_duration_ms,max_duration_ms',
    );
    // The listed digest is of the bytes stored, so a download can be checked against it.
    const listed = (await api(`/api/v1/tasks/${report.id}/files`)).body as {
      files: Array<{ role: string; sha256: string | null; size: number }>;
    };
    const output = listed.files.find((entry) => entry.role === 'output');
    expect(output?.size).toBe(bytes.length);
    expect(output?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('GET /api/v1/tasks', () => {
  it('pages through every task exactly once with the cursor, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { body } = await post({
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
      });
      created.push((body as TaskView).id);
    }
    const seen: TaskView[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const query: string = `?type=diagnostics.simulate&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await api(`/api/v1/tasks${query}`);
      expect(status).toBe(200);
      const result = body as { data: TaskView[]; nextCursor: string | null };
      expect(result.data.length).toBeLessThanOrEqual(2);
      seen.push(...result.data);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    const ids = seen.map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(created));
    expect(seen.every((task) => task.type === 'diagnostics.simulate')).toBe(true);
    const times = seen.map((task) => task.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by status', async () => {
    const { body } = await api('/api/v1/tasks?status=succeeded&limit=100');
    const tasks = (body as { data: TaskView[] }).data;
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((task) => task.status === 'succeeded')).toBe(true);
  });

  it('400 for bad query parameters and a forged cursor', async () => {
    expectProblem(await api('/api/v1/tasks?status=exploded'), 400, ['status']);
    expectProblem(await api('/api/v1/tasks?limit=0'), 400, ['limit']);
    expectProblem(await api('/api/v1/tasks?limit=abc'), 400, ['limit']);
    expectProblem(await api('/api/v1/tasks?sort=asc'), 400, ['']);
    expectProblem(await api('/api/v1/tasks?cursor=bm90LWEtY3Vyc29y'), 400, ['cursor']);
  });
});

describe('GET /api/health', () => {
  it('reports the dependencies and the live worker', async () => {
    const { status, body } = await api('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      postgres: { ok: true },
      redis: { ok: true },
      workers: {
        count: 1,
        queues: ['diagnostics', 'files', 'maintenance', 'notifications', 'reports', 'webhooks'],
      },
    });
  });
});
