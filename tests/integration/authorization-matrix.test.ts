import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import type { TaskView } from '@/lib/tasks/task-view';
import { executeAction } from '@/server/actions/action-definition';
import { revokeApiKey } from '@/server/auth/api-keys';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { runActionWithHeaders } from '@/server/http/action';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import {
  ACTIONS,
  CALLERS,
  ROUTES,
  type ActionExpected,
  type Caller,
  type Expected,
  type MatrixFixture,
  type RouteCase,
} from '../support/authorization-cases';
import {
  ACTION_VARIANTS,
  APP_ORIGIN,
  ROUTE_VARIANTS,
  applyVariant,
  isMutating,
  victimOf,
} from '../support/csrf-cases';
import {
  ACTION_MODULE,
  discoverActions,
  discoverRoutes,
  discoverServerEndpoints,
  isUseServerModule,
  listFiles,
  paramsOf,
} from '../support/route-discovery';
import { createTestApiKey, createTestUser } from '../support/users';

// Every REST route and every server action, as every kind of caller. A route or action that is
// not in the tables (tests/support/authorization-cases.ts) fails the first two tests: add it,
// with the statuses it must answer.

const root = path.resolve(import.meta.dirname, '../..');
// Every export of every *-actions.ts module under server/, each carrying its definition.
const discovered = await discoverActions();
const actions = new Map(discovered.map((found) => [found.name, found.action]));

function definitionOf(name: string) {
  const action = actions.get(name);
  if (!action) throw new Error(`no action ${name}: the first action test lists what is missing`);
  return action.definition;
}

let fixture: MatrixFixture;
let worker: RunningTaskWorker;
const bus = new BusRecorder();

function headersFor(caller: Caller): Headers {
  // A fresh client address per call, so failed-key rate limits do not mix into the matrix.
  const headers = new Headers({
    [CLIENT_IP_HEADER]: `matrix-${randomUUID()}`,
    host: new URL(APP_ORIGIN).host,
  });
  switch (caller) {
    case 'anonymous':
      break;
    // Cookies ride on requests from the app's own pages (csrf-cases.ts covers the others).
    case 'userA':
      headers.set('cookie', fixture.alice.cookie);
      headers.set('origin', APP_ORIGIN);
      break;
    case 'userB':
      headers.set('cookie', fixture.bob.cookie);
      headers.set('origin', APP_ORIGIN);
      break;
    case 'admin':
      headers.set('cookie', fixture.admin.cookie);
      headers.set('origin', APP_ORIGIN);
      break;
    default:
      headers.set('authorization', `Bearer ${fixture.keys[caller]}`);
  }
  return headers;
}

/** The status, and a 403's problem code. */
async function statusAndCode(response: Response): Promise<string> {
  if (response.status !== 403) return String(response.status);
  const problem = (await response.json()) as { code?: string };
  return problem.code === 'cross_origin_refused' ? '403 cross_origin_refused' : '403';
}

/** One request of a route case, with these headers; a text/plain body when asked. */
async function invokeRoute(
  routeCase: RouteCase,
  headers: Headers,
  textPlain = false,
): Promise<Response> {
  const handler =
    routeCase.invoke ??
    (
      (await import(path.join(root, 'app', routeCase.route))) as Record<
        string,
        (r: Request, c: unknown) => Promise<Response>
      >
    )[routeCase.method]!;
  const prepared = (await routeCase.prepare?.(fixture)) ?? '';
  const url = new URL(routeCase.url(fixture, prepared), 'http://localhost');
  let body: string | FormData | undefined;
  if (textPlain) {
    // What a cross-origin <form enctype="text/plain"> posts: JSON-looking text, no preflight.
    body = JSON.stringify(routeCase.body?.(fixture, prepared) ?? { x: 1 });
  } else if (routeCase.form) {
    body = routeCase.form();
  } else if (routeCase.body) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(routeCase.body(fixture, prepared));
  }
  const request = new Request(url, { method: routeCase.method, headers, body });
  const params = paramsOf(routeCase.route, url.pathname);
  return handler(request, { params: Promise.resolve(params) });
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
  // Should a pause case fail half-way, the queue must not stay paused for the next test file.
  await getQueue('reports').resume();
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

describe('authorization matrix', () => {
  it('covers every REST route and method', async () => {
    const missing: string[] = [];
    for (const discovered of discoverRoutes()) {
      const routeModule = (await import(discovered.file)) as Record<string, unknown>;
      const exported = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
        (method) => typeof routeModule[method] === 'function',
      );
      // The discovery the fuzz suite relies on reads the same methods from the source.
      expect(discovered.methods.sort(), discovered.route).toEqual(exported.sort());
      for (const method of exported) {
        if (!ROUTES.some((c) => c.route === discovered.route && c.method === method))
          missing.push(`${method} ${discovered.route}`);
      }
    }
    expect(missing, 'add these to ROUTES').toEqual([]);
  });

  it('covers every endpoint the web process serves before Next', () => {
    const missing = discoverServerEndpoints().flatMap((endpoint) =>
      endpoint.methods
        .filter(
          (method) =>
            !ROUTES.some(
              (c) => c.route === endpoint.source && c.method === method && c.invoke !== undefined,
            ),
        )
        .map((method) => `${method} ${endpoint.source}`),
    );
    expect(missing, 'add these to ROUTES').toEqual([]);
  });

  it('covers every server action', () => {
    expect(actions.size, 'every action has a name of its own').toBe(discovered.length);
    expect(Object.keys(ACTIONS).sort(), 'ACTIONS lists every action').toEqual(
      [...actions.keys()].sort(),
    );
  });

  it("keeps every 'use server' module where the action discovery finds it", () => {
    const sources = ['app', 'components', 'lib', 'server'].flatMap((dir) =>
      listFiles((entry) => /\.tsx?$/.test(entry), path.join(root, dir)),
    );
    const useServer = sources.filter((file) => isUseServerModule(readFileSync(file, 'utf8')));
    const outside = useServer.filter(
      (file) => !file.startsWith(path.join(root, 'server')) || !ACTION_MODULE.test(file),
    );
    expect(useServer.length).toBeGreaterThan(0);
    expect(outside.map((file) => path.relative(root, file))).toEqual([]);
  });

  for (const routeCase of ROUTES) {
    it(`${routeCase.method} ${routeCase.route}`, async () => {
      const actual: Partial<Expected> = {};
      for (const caller of CALLERS) {
        const response = await invokeRoute(routeCase, headersFor(caller));
        actual[caller] = response.status;
        // A stream (text/event-stream) stays open until its reader goes: this reader is done.
        await response.body?.cancel();
      }
      expect(actual).toEqual(routeCase.expected);
    });
  }

  for (const [name, actionCase] of Object.entries(ACTIONS)) {
    it(`action ${name}`, async () => {
      const actual: Partial<ActionExpected> = {};
      for (const caller of CALLERS) {
        const prepared = (await actionCase.prepare?.(fixture)) ?? '';
        try {
          const principal = await authenticateRequest(headersFor(caller));
          const args = actionCase.args(fixture, prepared);
          await executeAction(definitionOf(name), principal, NO_AUDIT_CONTEXT, args);
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
        // By its id: a page of the newest would lose the report behind the matrix's own tasks.
        new Request(`http://localhost/api/v1/tasks?q=${fixture.alicesReport.id}`, {
          headers: headersFor(caller),
        }),
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

// After the matrix above: these make many more tasks, which would crowd its listing test.
describe('authorization matrix: cross-origin use of a session', () => {
  for (const routeCase of ROUTES.filter(isMutating)) {
    it(`cross-origin: ${routeCase.method} ${routeCase.route}`, async () => {
      const victim = victimOf(routeCase.expected);
      const actual: Record<string, string> = {};
      const wanted: Record<string, string> = {};
      for (const variant of ROUTE_VARIANTS) {
        const headers = headersFor(variant.credential === 'key' ? 'keyA' : victim);
        applyVariant(headers, variant);
        const response = await invokeRoute(routeCase, headers, variant.textPlain);
        actual[variant.name] = await statusAndCode(response);
        wanted[variant.name] =
          variant.expect === 'as-victim'
            ? String(routeCase.expected[victim])
            : variant.expect === 'as-key'
              ? String(routeCase.expected.keyA)
              : variant.expect === 403
                ? '403 cross_origin_refused'
                : String(variant.expect);
      }
      expect(actual).toEqual(wanted);
    });
  }

  for (const [name, actionCase] of Object.entries(ACTIONS)) {
    // Through runAction's own entry, as Next calls it for a POST to a page.
    it(`cross-origin: action ${name}`, async () => {
      const victim = victimOf(actionCase.expected);
      const actual: Record<string, number | string> = {};
      const wanted: Record<string, number | string> = {};
      for (const variant of ACTION_VARIANTS) {
        const prepared = (await actionCase.prepare?.(fixture)) ?? '';
        const headers = headersFor(variant.credential === 'key' ? 'keyA' : victim);
        applyVariant(headers, variant);
        const args = actionCase.args(fixture, prepared);
        const result = await runActionWithHeaders(headers, definitionOf(name), ...args);
        actual[variant.name] = result.ok ? 'ok' : result.status;
        wanted[variant.name] =
          variant.expect === 'as-victim'
            ? actionCase.expected[victim]
            : variant.expect === 'as-key'
              ? actionCase.expected.keyA
              : variant.expect;
      }
      expect(actual).toEqual(wanted);
    });
  }
});
