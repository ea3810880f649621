import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import type { TaskView } from '@/lib/tasks/task-view';
import { actionHandlers, type ActionName } from '@/server/actions/action-handlers';
import { revokeApiKey } from '@/server/auth/api-keys';
import { authenticateRequest, CLIENT_IP_HEADER } from '@/server/auth/principal';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Every REST route and every server action, as every kind of caller. A route or action that is
// not in the tables below fails the first two tests: add it, with the statuses it must answer.

const root = path.resolve(import.meta.dirname, '../..');
const CALLERS = [
  'anonymous',
  'userA',
  'userB',
  'admin',
  'keyA',
  'revokedKey',
  'expiredKey',
] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

interface Fixture {
  alice: TestUser;
  bob: TestUser;
  admin: TestUser;
  keys: Record<'keyA' | 'revokedKey' | 'expiredKey', string>;
  alicesReport: TaskView;
  alicesSpareKeyId: string;
}

let fixture: Fixture;
let worker: RunningTaskWorker;
const bus = new BusRecorder();

function headersFor(caller: Caller): Headers {
  // A fresh client address per call, so failed-key rate limits do not mix into the matrix.
  const headers = new Headers({ [CLIENT_IP_HEADER]: `matrix-${randomUUID()}` });
  switch (caller) {
    case 'anonymous':
      break;
    case 'userA':
      headers.set('cookie', fixture.alice.cookie);
      break;
    case 'userB':
      headers.set('cookie', fixture.bob.cookie);
      break;
    case 'admin':
      headers.set('cookie', fixture.admin.cookie);
      break;
    default:
      headers.set('authorization', `Bearer ${fixture.keys[caller]}`);
  }
  return headers;
}

// REST: status per caller. Allowed = 2xx; someone else's task = 404 (ids leak nothing).
const OWNER_ONLY: Expected = {
  anonymous: 401,
  userA: 200,
  userB: 404,
  admin: 200,
  keyA: 200,
  revokedKey: 401,
  expiredKey: 401,
};
const ANY_USER = (ok: number): Expected => ({
  anonymous: 401,
  userA: ok,
  userB: ok,
  admin: ok,
  keyA: ok,
  revokedKey: 401,
  expiredKey: 401,
});
const PUBLIC: Expected = {
  anonymous: 200,
  userA: 200,
  userB: 200,
  admin: 200,
  keyA: 200,
  revokedKey: 200,
  expiredKey: 200,
};

interface RouteCase {
  route: string; // the file under app/, e.g. api/v1/tasks/[id]/route.ts
  method: string;
  url: () => string;
  body?: () => unknown;
  expected: Expected;
}

const ROUTES: RouteCase[] = [
  { route: 'api/health/route.ts', method: 'GET', url: () => '/api/health', expected: PUBLIC },
  {
    route: 'api/v1/tasks/route.ts',
    method: 'POST',
    url: () => '/api/v1/tasks',
    body: () => ({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } }),
    expected: ANY_USER(201),
  },
  {
    route: 'api/v1/tasks/route.ts',
    method: 'GET',
    url: () => '/api/v1/tasks',
    expected: ANY_USER(200),
  },
  {
    route: 'api/v1/tasks/[id]/route.ts',
    method: 'GET',
    url: () => `/api/v1/tasks/${fixture.alicesReport.id}`,
    expected: OWNER_ONLY,
  },
  {
    route: 'api/v1/tasks/[id]/result/route.ts',
    method: 'GET',
    url: () => `/api/v1/tasks/${fixture.alicesReport.id}/result`,
    expected: OWNER_ONLY,
  },
  // Better Auth's own endpoints: the session lookup answers everyone (null when signed out).
  {
    route: 'api/auth/[...all]/route.ts',
    method: 'GET',
    url: () => '/api/auth/get-session',
    expected: PUBLIC,
  },
  {
    route: 'api/auth/[...all]/route.ts',
    method: 'POST',
    url: () => '/api/auth/sign-in/email',
    body: () => ({ email: fixture.alice.email, password: 'wrong-password' }),
    expected: {
      anonymous: 401,
      userA: 401,
      userB: 401,
      admin: 401,
      keyA: 401,
      revokedKey: 401,
      expiredKey: 401,
    },
  },
];

// Actions: 'ok' or the status of the typed error they end with.
type ActionExpected = Record<Caller, 'ok' | number>;
const ACTION_ANY_USER: ActionExpected = {
  anonymous: 401,
  userA: 'ok',
  userB: 'ok',
  admin: 'ok',
  keyA: 'ok',
  revokedKey: 401,
  expiredKey: 401,
};

const ACTIONS: Record<ActionName, { args: () => unknown[]; expected: ActionExpected }> = {
  requestReport: {
    args: () => [formData({ from: '2020-01-01', to: '2020-01-02' })],
    expected: ACTION_ANY_USER,
  },
  loadMoreTasks: {
    args: () => [
      Buffer.from(
        JSON.stringify([new Date().toISOString(), 'ffffffff-ffff-7fff-bfff-ffffffffffff']),
      ).toString('base64url'),
      10,
    ],
    expected: ACTION_ANY_USER,
  },
  createApiKey: { args: () => [formData({ name: 'matrix' })], expected: ACTION_ANY_USER },
  revokeApiKey: {
    args: () => [fixture.alicesSpareKeyId],
    // Keys are revoked by their owner only; anyone else's key id is not found.
    expected: {
      anonymous: 401,
      userA: 'ok',
      userB: 404,
      admin: 404,
      keyA: 'ok',
      revokedKey: 401,
      expiredKey: 401,
    },
  },
  setUserRole: {
    args: () => [fixture.bob.principal.userId, 'user'],
    expected: {
      anonymous: 401,
      userA: 403,
      userB: 403,
      admin: 'ok',
      keyA: 403,
      revokedKey: 401,
      expiredKey: 401,
    },
  },
};

function formData(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}

function listFiles(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return listFiles(full, name);
    return entry === name ? [full] : [];
  });
}

beforeAll(async () => {
  const [alice, bob, admin] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
    createTestUser('admin'),
  ]);
  const keyA = await createTestApiKey(alice);
  const revokedKey = await createTestApiKey(alice);
  const expiredKey = await createTestApiKey(alice, 1);
  const spare = await createTestApiKey(alice);
  const keys = await getPrisma().apiKey.findMany({
    where: { userId: alice.principal.userId },
    orderBy: { createdAt: 'asc' },
  });
  const [, revokedRecord, expiredRecord, spareRecord] = keys;
  await revokeApiKey(alice.principal, revokedRecord!.id, NO_AUDIT_CONTEXT);
  await getPrisma().apiKey.update({
    where: { id: expiredRecord!.id },
    data: { expiresAt: new Date(Date.now() - 1_000) },
  });
  void spare;

  await bus.start();
  worker = await startTaskWorker({ concurrency: 2 });
  const alicesReport = await createTask(alice.principal, {
    type: 'report.generate',
    payload: { from: '2020-01-01', to: '2020-01-01' },
  });
  await bus.waitForUpdate(alicesReport.id, isTerminal);
  fixture = {
    alice,
    bob,
    admin,
    keys: { keyA, revokedKey, expiredKey },
    alicesReport,
    alicesSpareKeyId: spareRecord!.id,
  };
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

describe('authorization matrix', () => {
  it('covers every REST route and method', async () => {
    const missing: string[] = [];
    for (const file of listFiles(path.join(root, 'app'), 'route.ts')) {
      const route = path.relative(path.join(root, 'app'), file);
      const routeModule = (await import(file)) as Record<string, unknown>;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (typeof routeModule[method] !== 'function') continue;
        if (!ROUTES.some((c) => c.route === route && c.method === method))
          missing.push(`${method} ${route}`);
      }
    }
    expect(missing, 'add these to ROUTES').toEqual([]);
  });

  it('covers every server action', () => {
    const exported = listFiles(path.join(root, 'app'), 'actions.ts').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/export async function (\w+)/g)].map((m) => m[1]!),
    );
    expect(exported.sort()).toEqual(Object.keys(actionHandlers).sort());
    expect(Object.keys(ACTIONS).sort()).toEqual(Object.keys(actionHandlers).sort());
  });

  for (const routeCase of ROUTES) {
    it(`${routeCase.method} ${routeCase.route}`, async () => {
      const file = path.join(root, 'app', routeCase.route);
      const handler = (
        (await import(file)) as Record<string, (r: Request, c: unknown) => Promise<Response>>
      )[routeCase.method]!;
      const actual: Partial<Expected> = {};
      for (const caller of CALLERS) {
        const url = new URL(routeCase.url(), 'http://localhost');
        const headers = headersFor(caller);
        let body: string | undefined;
        if (routeCase.body) {
          headers.set('content-type', 'application/json');
          body = JSON.stringify(routeCase.body());
        }
        const request = new Request(url, { method: routeCase.method, headers, body });
        const id = /\/api\/v1\/tasks\/([^/]+)/.exec(url.pathname)?.[1];
        const response = await handler(request, { params: Promise.resolve({ id }) });
        actual[caller] = response.status;
      }
      expect(actual).toEqual(routeCase.expected);
    });
  }

  for (const [name, actionCase] of Object.entries(ACTIONS) as Array<
    [ActionName, (typeof ACTIONS)[ActionName]]
  >) {
    it(`action ${name}`, async () => {
      const actual: Partial<ActionExpected> = {};
      for (const caller of CALLERS) {
        try {
          const principal = await authenticateRequest(headersFor(caller));
          const handler = actionHandlers[name] as (...args: unknown[]) => Promise<unknown>;
          await handler(principal, NO_AUDIT_CONTEXT, ...actionCase.args());
          actual[caller] = 'ok';
        } catch (error) {
          if (!isAppError(error)) throw error;
          actual[caller] = error.status;
        }
      }
      expect(actual).toEqual(actionCase.expected);
    });
  }

  it("lists only the caller's own tasks, and every task for an admin", async () => {
    const { GET } = (await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as {
      GET: (r: Request, c: unknown) => Promise<Response>;
    };
    const idsFor = async (caller: Caller) => {
      const response = await GET(
        new Request('http://localhost/api/v1/tasks?limit=100', { headers: headersFor(caller) }),
        {},
      );
      return ((await response.json()) as { data: TaskView[] }).data.map((task) => task.id);
    };
    expect(await idsFor('userA')).toContain(fixture.alicesReport.id);
    expect(await idsFor('keyA')).toContain(fixture.alicesReport.id);
    expect(await idsFor('admin')).toContain(fixture.alicesReport.id);
    expect(await idsFor('userB')).not.toContain(fixture.alicesReport.id);
  });
});
