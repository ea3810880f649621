import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { resetEnvCache } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import {
  createPrivateRedis,
  DURABLE_REDIS_FLAGS,
  VOLATILE_REDIS_FLAGS,
  type PrivateRedis,
} from '../support/private-redis';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { callServerAction } from '../support/server-actions';

// The production web process on a PostgreSQL and a Redis of this test's own, which it stops:
// every answer during an outage is a 503 with Retry-After (problem+json on REST, a clear
// message from server actions), never a 500, and API keys keep working without Redis.

const DB_DOWN = 'Taskdeck cannot reach its database right now. Try again in a few seconds.';
const REDIS_DOWN =
  'Taskdeck cannot reach its job queue (Redis) right now. Try again in a few seconds.';

let cluster: PrivatePostgres;
let redis: PrivateRedis;
let databaseUrl: string;
let storageDir: string;
let web: SpawnedProcess;
let baseUrl: string;
let admin: TestUser;
let apiKey: string;
let existing: TaskView;

async function startWeb(redisUrl: string): Promise<{ web: SpawnedProcess; url: string }> {
  const child = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    STORAGE_DIR: storageDir,
  });
  const [, url] = await child.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
  return { web: child, url: url! };
}

beforeAll(async () => {
  [cluster, redis] = await Promise.all([
    createPrivatePostgres(),
    createPrivateRedis(VOLATILE_REDIS_FLAGS),
  ]);
  databaseUrl = cluster.url;
  storageDir = await mkdtemp(path.join(tmpdir(), 'taskdeck-outage-'));
  // This process makes the users and keys, in the private database the web process reads.
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redis.url;
  resetEnvCache();
  await closeClients();
  admin = await createTestUser('admin', 'outage-admin');
  apiKey = await createTestApiKey(admin);
  ({ web, url: baseUrl } = await startWeb(redis.url));
  const created = await api('POST', '/api/v1/tasks', {
    type: 'report.generate',
    payload: { from: '2020-01-01', to: '2020-01-02' },
  });
  expect(created.status).toBe(201);
  existing = created.body as unknown as TaskView;
}, 180_000);

afterAll(async () => {
  await closeClients();
  await killAllSpawned();
  await Promise.all([cluster?.destroy(), redis?.destroy()]);
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
}, 120_000);

interface Answer {
  status: number;
  type: string;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function answerOf(response: Response): Promise<Answer> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return {
    status: response.status,
    type,
    retryAfter: response.headers.get('retry-after'),
    body: type.includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : { text },
  };
}

async function api(method: string, route: string, body?: unknown, headers = {}): Promise<Answer> {
  const response = await fetch(baseUrl + route, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answerOf(response);
}

function asSession(method: string, route: string, body?: unknown): Promise<Answer> {
  return fetch(baseUrl + route, {
    method,
    headers: {
      cookie: admin.cookie,
      origin: baseUrl,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(answerOf);
}

async function upload(): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'outage.csv');
  const response = await fetch(`${baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
    body: form,
  });
  return answerOf(response);
}

/** What Prometheus gets from /metrics (the test env sets METRICS_TOKEN). */
function scrape(): Promise<Answer> {
  return fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${process.env.METRICS_TOKEN}` },
  }).then(answerOf);
}

function expectOutage(answer: Answer, detail: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(503);
  expect(answer.type).toBe('application/problem+json');
  expect(answer.retryAfter).toBe('5');
  expect(answer.body).toMatchObject({ status: 503, code: 'service_unavailable', detail });
}

async function health(url = baseUrl) {
  const response = await fetch(`${url}/api/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function waitUntilHealthy(url = baseUrl): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await health(url)).status !== 200) {
    if (Date.now() > deadline) throw new Error('the web process did not recover');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('health tells the truth about durability', () => {
  it('reports the outbox and the reconciler, and warns that this Redis keeps nothing on disk', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      postgres: { ok: true },
      redis: {
        ok: true,
        persistence: { aof: false, rdb: false, maxmemoryPolicy: 'noeviction', source: 'config' },
      },
      outbox: { backlog: expect.any(Number) },
      reconciler: { lastRun: null, lastRepairAt: null },
    });
    expect(body.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Redis keeps nothing on disk/)]),
    );
  });

  it('warns about an eviction policy that may drop jobs', async () => {
    const { Redis } = await import('ioredis');
    const control = new Redis(redis.url);
    try {
      await control.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body.warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(/maxmemory-policy is allkeys-lru/)]),
      );
    } finally {
      await control.config('SET', 'maxmemory-policy', 'noeviction');
      control.disconnect();
    }
  });

  it('has no Redis warning for a Redis started with appendonly yes and noeviction', async () => {
    const durable = await createPrivateRedis([
      ...DURABLE_REDIS_FLAGS,
      '--maxmemory-policy',
      'noeviction',
    ]);
    try {
      const other = await startWeb(durable.url);
      const { status, body } = await health(other.url);
      expect(await other.web.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        redis: { ok: true, persistence: { aof: true, rdb: false, maxmemoryPolicy: 'noeviction' } },
      });
      expect((body.warnings as string[]).filter((warning) => /Redis/.test(warning))).toEqual([]);
    } finally {
      await durable.destroy();
    }
  });
});

describe('with Redis stopped', () => {
  beforeAll(async () => {
    await redis.stop();
  });

  afterAll(async () => {
    await redis.start();
    await waitUntilHealthy();
  }, 60_000);

  it('API keys and sessions still read tasks: the rate limiter is best effort', async () => {
    const list = await api('GET', '/api/v1/tasks');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect((list.body.data as TaskView[]).map((task) => task.id)).toContain(existing.id);
    expect((await api('GET', `/api/v1/tasks/${existing.id}`)).status).toBe(200);
    expect((await asSession('GET', `/api/v1/tasks/${existing.id}`)).status).toBe(200);
    // A bad key is still refused (its failure is simply not counted).
    const bad = await api('GET', '/api/v1/tasks', undefined, { authorization: 'Bearer tdk_nope' });
    expect(bad.status).toBe(401);
  });

  it('creates still answer 201: the task waits in the outbox until Redis is back', async () => {
    const created = await api('POST', '/api/v1/tasks', {
      type: 'report.generate',
      payload: { from: '2020-02-01', to: '2020-02-02' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'queued' });
    const uploaded = await upload();
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  });

  it('what needs Redis answers 503 with Retry-After: REST reads, REST writes, server actions, metrics, health', async () => {
    expectOutage(await api('GET', '/api/v1/queues'), REDIS_DOWN);
    expectOutage(await scrape(), REDIS_DOWN);
    expectOutage(await api('POST', '/api/v1/queues/reports/pause'), REDIS_DOWN);
    const action = await callServerAction(baseUrl, admin.cookie, 'setQueuePaused', [
      'reports',
      true,
    ]);
    expect(action).toEqual({ ok: false, status: 503, message: REDIS_DOWN, fieldErrors: [] });
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', redis: { ok: false }, reconciler: null });
    // The two creates above wait in the outbox, and health says so.
    expect((body.outbox as { backlog: number }).backlog).toBeGreaterThanOrEqual(2);
  });
});

describe('with PostgreSQL stopped', () => {
  beforeAll(async () => {
    await cluster.stop('fast');
  });

  afterAll(async () => {
    await cluster.start();
    await waitUntilHealthy();
  }, 60_000);

  it('REST reads and writes answer 503 with Retry-After, for API keys and sessions alike', async () => {
    expectOutage(await api('GET', '/api/v1/tasks'), DB_DOWN);
    expectOutage(await api('GET', `/api/v1/tasks/${existing.id}`), DB_DOWN);
    expectOutage(
      await api('POST', '/api/v1/tasks', { type: 'report.generate', payload: {} }),
      DB_DOWN,
    );
    expectOutage(await api('POST', `/api/v1/tasks/${existing.id}/cancel`), DB_DOWN);
    // Not "signed out": the session cannot be read, which is an outage too.
    expectOutage(await asSession('GET', '/api/v1/tasks'), DB_DOWN);
  });

  it('sign-in and the session endpoint answer 503, not 500', async () => {
    expectOutage(
      await asSession('POST', '/api/auth/sign-in/email', {
        email: admin.email,
        password: admin.password,
      }),
      DB_DOWN,
    );
    expectOutage(await asSession('GET', '/api/auth/get-session'), DB_DOWN);
  });

  it('server actions answer the clear message with status 503', async () => {
    const result = await callServerAction(baseUrl, admin.cookie, 'cancelTask', [existing.id]);
    expect(result).toEqual({ ok: false, status: 503, message: DB_DOWN, fieldErrors: [] });
  });

  it('an upload answers 503 with Retry-After', async () => {
    expectOutage(await upload(), DB_DOWN);
  });

  it('a scrape of /metrics answers 503 with Retry-After', async () => {
    expectOutage(await scrape(), DB_DOWN);
  });

  it('a socket handshake is refused as unavailable, with the time to retry after', async () => {
    const socket = io(baseUrl, {
      path: '/socket.io/',
      auth: { token: apiKey },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      const refusal = await new Promise<Error & { data?: unknown }>((resolve) =>
        socket.once('connect_error', resolve),
      );
      expect(refusal.message).toBe('service_unavailable');
      expect(refusal.data).toEqual({ message: DB_DOWN, retryAfterSeconds: 5 });
    } finally {
      socket.disconnect();
    }
  });

  it('health answers 503 and says which dependency is down', async () => {
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', postgres: { ok: false }, outbox: null });
  });
});

describe('after the outages', () => {
  it('the same web process serves again without a restart, and logged no unexpected error', async () => {
    expect((await api('GET', `/api/v1/tasks/${existing.id}`)).status).toBe(200);
    expect((await scrape()).status).toBe(200);
    const output = web.output();
    expect(output).not.toMatch(/unexpected error|server action failed/);
    expect(output).toMatch(/dependency unavailable: answered 503/);
  });

  it('the jobs recorded while Redis was down reached it: the outbox is empty again', async () => {
    const deadline = Date.now() + 30_000;
    let outbox = (await health()).body.outbox as { backlog: number } | null;
    while (outbox?.backlog !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      outbox = (await health()).body.outbox as { backlog: number } | null;
    }
    expect(outbox).toEqual({ backlog: 0, oldestAgeMs: null });
  });
});
