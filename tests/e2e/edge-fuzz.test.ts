import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import {
  actionBody,
  conditionalHeaders,
  hostileBody,
  ODD_METHODS,
  pathSegment,
  queryString,
  type FuzzBody,
} from '../support/fuzz-inputs';
import { startInspectableWeb, type InspectableWeb } from '../support/inspectable-web';
import {
  discoverActions,
  discoverRoutes,
  discoverServerEndpoints,
} from '../support/route-discovery';
import { findServerAction } from '../support/server-actions';
import { createTestApiKey, createTestUser } from '../support/users';

// Hostile requests, generated with fast-check from the route table (every route file under
// app/ with its methods, the endpoints the web process serves itself (uploads, /metrics), every
// exported server action), sent as every
// kind of caller to the production build. None may answer 5xx or hang; every REST 4xx is
// problem+json with a message; the web process's memory must come back to where it was.
// FUZZ_RUNS sets the number of requests (default: a CI size; 10000 or more for a full run),
// FUZZ_SEED replays a run.

// A web process of its own, so that its memory is this suite's alone.
let web: InspectableWeb;
let baseUrl: string;
const RUNS = Number(process.env.FUZZ_RUNS ?? 6_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 6;
const REQUEST_TIMEOUT_MS = 15_000;
const RSS_MARGIN_BYTES = 64 * 1024 * 1024;
// What the JavaScript heap may gain over a second round of the same load, after full collections.
const HEAP_MARGIN_BYTES = 16 * 1024 * 1024;

type Caller =
  'anonymous' | 'userCookie' | 'userKey' | 'adminCookie' | 'adminKey' | 'badKey' | 'metricsToken';
const CALLERS: Caller[] = [
  'anonymous',
  'userCookie',
  'userKey',
  'adminCookie',
  'adminKey',
  'badKey',
  'metricsToken',
];

interface FuzzRequest {
  target: string;
  caller: Caller;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  rest: boolean;
}

interface Outcome {
  request: FuzzRequest;
  status: number | 'timeout' | 'error';
  problem: string | null;
}

let credentials: Record<Caller, Record<string, string>>;
let knownIds: string[];
/** Real file ids among knownIds: with none, the downloads' Range handling is not reached. */
let fileIds: string[];

const readRss = () => web.settledRss();

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function withBody(headers: Record<string, string>, body: FuzzBody, method: string) {
  if (method === 'GET' || method === 'HEAD' || !body.bytes) {
    return { headers, body: undefined };
  }
  return {
    headers: body.contentType ? { ...headers, 'content-type': body.contentType } : headers,
    body: body.bytes,
  };
}

/** Requests for one REST route (or an endpoint of the server's): its own methods mostly, odd ones too. */
function routeRequests(
  target: string,
  urlPath: string,
  methods: string[],
  runs: number,
  seed: number,
  // REST routes and the server's own endpoints answer every 4xx as problem+json.
  rest = urlPath.startsWith('/api/v1/'),
): FuzzRequest[] {
  const segments = urlPath.split('/');
  const arbitrary = fc.record({
    caller: fc.constantFrom(...CALLERS),
    method: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...methods) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
    ),
    segments: fc.tuple(
      ...segments.map((segment) =>
        segment.startsWith('[') ? pathSegment(knownIds) : fc.constant(segment),
      ),
    ),
    query: queryString,
    body: hostileBody,
    conditional: fc.oneof(fc.constant({}), conditionalHeaders),
  });
  return fc.sample(arbitrary, { numRuns: runs, seed }).map((sample) => {
    const { headers, body } = withBody(
      { ...credentials[sample.caller], ...sample.conditional },
      sample.body,
      sample.method,
    );
    return {
      target,
      caller: sample.caller,
      method: sample.method,
      path: sample.segments.join('/') + sample.query,
      headers,
      body,
      rest,
    };
  });
}

async function actionRequests(
  file: string,
  name: string,
  runs: number,
  seed: number,
): Promise<FuzzRequest[]> {
  const { id, page } = await findServerAction(name, file, knownIds[0]);
  const arbitrary = fc.record({
    caller: fc.constantFrom(...CALLERS),
    actionId: fc.oneof(
      { weight: 6, arbitrary: fc.constant(id) },
      { weight: 1, arbitrary: fc.constantFrom('', '00', 'x'.repeat(42), id.slice(0, -1) + '0') },
    ),
    body: actionBody,
  });
  return fc.sample(arbitrary, { numRuns: runs, seed }).map((sample) => {
    const { headers, body } = withBody(
      {
        ...credentials[sample.caller],
        'next-action': sample.actionId,
        accept: 'text/x-component',
        origin: baseUrl,
      },
      sample.body,
      'POST',
    );
    return {
      target: `action ${name}`,
      caller: sample.caller,
      method: 'POST',
      path: page,
      headers,
      body,
      rest: false,
    };
  });
}

async function send(request: FuzzRequest): Promise<Outcome> {
  try {
    const response = await fetch(baseUrl + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body ? new Uint8Array(request.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    // A stream (text/event-stream) is an answer that never ends by itself: its first bytes
    // arrived, which is all a bounded answer can say; the fuzzer hangs up.
    const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    if (streaming && response.ok && request.method !== 'HEAD') {
      const reader = response.body?.getReader();
      const first = await reader?.read();
      await reader?.cancel();
      if (!first || first.done)
        return { request, status: response.status, problem: 'empty stream' };
      return { request, status: response.status, problem: null };
    }
    const text = request.method === 'HEAD' ? '' : await response.text();
    let problem: string | null = null;
    if (request.rest && response.status >= 400 && request.method !== 'HEAD') {
      const type = response.headers.get('content-type') ?? '';
      let detail: unknown;
      try {
        detail = (JSON.parse(text) as { detail?: unknown }).detail;
      } catch {
        detail = undefined;
      }
      if (type !== 'application/problem+json' || typeof detail !== 'string' || detail === '') {
        problem = `not problem+json with a detail: ${type} ${text.slice(0, 120)}`;
      }
    }
    return { request, status: response.status, problem };
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    // A connection cut off because its body passed the cap is an answer, not a failure.
    return { request, status: timeout ? 'timeout' : 'error', problem: String(error) };
  }
}

async function runAll(requests: FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) outcomes.push(await send(requests[next++]!));
    }),
  );
  return outcomes;
}

function describeRequest({ request, status, problem }: Outcome): string {
  const body = request.body
    ? ` body=${JSON.stringify(request.body.subarray(0, 160).toString())}`
    : '';
  return `${status} ${request.caller} ${request.method} ${request.path.slice(0, 200)} [${request.target}] ${request.headers['content-type'] ?? ''}${body} ${problem ?? ''}`;
}

beforeAll(async () => {
  web = await startInspectableWeb();
  baseUrl = web.url;
  const [user, admin] = await Promise.all([
    createTestUser('user', 'fuzz-user'),
    createTestUser('admin', 'fuzz-admin'),
  ]);
  const [userKey, adminKey] = await Promise.all([createTestApiKey(user), createTestApiKey(admin)]);
  credentials = {
    anonymous: {},
    userCookie: { cookie: user.cookie },
    userKey: { authorization: `Bearer ${userKey}` },
    adminCookie: { cookie: admin.cookie },
    adminKey: { authorization: `Bearer ${adminKey}` },
    badKey: { authorization: 'Bearer td_not-a-key' },
    // The scraper's token: it opens /metrics and nothing else.
    metricsToken: { authorization: `Bearer ${getEnv().METRICS_TOKEN}` },
  };
  const created = await fetch(`${baseUrl}/api/v1/tasks`, {
    method: 'POST',
    headers: { ...credentials.userKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'report.generate',
      payload: { from: '2020-01-01', to: '2020-01-02' },
    }),
  });
  const task = (await created.json()) as TaskView;
  const schedule = await fetch(`${baseUrl}/api/v1/schedules`, {
    method: 'POST',
    headers: { ...credentials.adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'fuzz',
      taskType: 'report.generate',
      payload: {},
      repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' },
      enabled: false,
    }),
  });
  const scheduleId = schedule.ok ? ((await schedule.json()) as { id: string }).id : task.id;
  fileIds = await outputFileIds(task.id);
  knownIds = [task.id, scheduleId, 'reports', 'default', ...fileIds];
});

/**
 * The ids of the report's files once it succeeded, so the download routes are reached with a
 * real file (and its Range headers with real bytes); none when it does not finish in time.
 */
async function outputFileIds(taskId: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${baseUrl}/api/v1/tasks/${taskId}`, {
      headers: credentials.userKey,
    });
    const { status } = (await answer.json()) as TaskView;
    if (status === 'succeeded') {
      const listed = await fetch(`${baseUrl}/api/v1/tasks/${taskId}/files`, {
        headers: credentials.userKey,
      });
      return ((await listed.json()) as { files: Array<{ id: string }> }).files.map((f) => f.id);
    }
    if (status === 'failed' || status === 'cancelled') return [];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [];
}

afterAll(async () => {
  if (!web) return;
  try {
    // Whatever the admin callers paused stays paused for the next test file otherwise.
    const queues = await fetch(`${baseUrl}/api/v1/queues`, { headers: credentials.adminKey });
    const { data } = (await queues.json()) as { data: Array<{ name: string }> };
    for (const queue of data) {
      await fetch(`${baseUrl}/api/v1/queues/${queue.name}/resume`, {
        method: 'POST',
        headers: credentials.adminKey,
      });
    }
  } finally {
    await web.stop();
  }
});

describe('edge fuzz', () => {
  it('answers every hostile request with a clear 4xx at most, and gives the memory back', async () => {
    const routes = discoverRoutes();
    const actions = await discoverActions();
    const endpoints = discoverServerEndpoints();
    const targets = routes.length + actions.length + endpoints.length;
    const share = Math.max(10, Math.ceil(RUNS / targets));
    const requests: FuzzRequest[] = [];
    let seed = SEED;
    for (const route of routes) {
      requests.push(...routeRequests(route.route, route.urlPath, route.methods, share, seed++));
    }
    for (const endpoint of endpoints) {
      requests.push(
        ...routeRequests(endpoint.source, endpoint.urlPath, endpoint.methods, share, seed++, true),
      );
    }
    for (const action of actions) {
      requests.push(...(await actionRequests(action.file, action.name, share, seed++)));
    }
    // The same order on every run with one seed, interleaved so no route is hit in a block.
    const shuffled = fc.sample(fc.shuffledSubarray(requests, { minLength: requests.length }), {
      numRuns: 1,
      seed: SEED,
    })[0]!;

    // Warm up: Next loads each route's and page's code on its first request, and the process
    // grows once to what this load needs: the V8 heap, and malloc's arenas, which glibc keeps
    // after a peak of concurrent requests (RSS after one round rose 9 to 64 MiB with the heap up
    // 3 MiB, then held level over 14 more rounds). So the whole load runs once first, and a leak
    // shows as growth over the same load run again.
    const warmUp: FuzzRequest[] = [];
    for (const target of new Set(requests.map((request) => request.target))) {
      warmUp.push(...requests.filter((request) => request.target === target).slice(0, 8));
    }
    await runAll(warmUp);
    await runAll(shuffled);
    const rssBefore = await readRss();
    const heapBefore = web.heapUsed();
    const started = Date.now();
    const outcomes = await runAll(shuffled);
    const seconds = (Date.now() - started) / 1000;
    const rssAfter = await readRss();
    const heapAfter = web.heapUsed();

    const classes: Record<string, number> = {};
    for (const { status } of outcomes) {
      const key = typeof status === 'number' ? `${Math.floor(status / 100)}xx` : status;
      classes[key] = (classes[key] ?? 0) + 1;
    }
    console.log(
      `edge fuzz: ${outcomes.length} requests over ${routes.length} route files, ` +
        `${endpoints.length} server endpoints and ${actions.length} actions in ${seconds.toFixed(0)} s (seed ${SEED}); ` +
        `status classes ${JSON.stringify(classes)}; ${fileIds.length} real files; web RSS ${mib(rssBefore)} before, ` +
        `${mib(rssAfter)} after (after full collections; V8 heap in use ${mib(heapBefore)}, ` +
        `${mib(heapAfter)})`,
    );
    const failures = outcomes.filter(
      ({ status, problem, request }) =>
        status === 'timeout' ||
        (typeof status === 'number' && status >= 500) ||
        // A cut-off connection is acceptable only for a body past the cap.
        (status === 'error' && (request.body?.length ?? 0) <= getEnv().JSON_BODY_MAX_BYTES) ||
        (typeof status === 'number' && problem !== null),
    );
    expect(failures.map(describeRequest).slice(0, 25), `seed ${SEED}`).toEqual([]);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_MARGIN_BYTES);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_MARGIN_BYTES);
  }, 600_000);

  it('refuses an anonymous 1 GB body quickly, without reading it into memory', async () => {
    const rssBefore = await readRss();
    const answers: Array<{ status: number | string; ms: number; sent: number }> = [];
    let peak = rssBefore;
    const sampler = setInterval(() => {
      void web.rss().then((rss) => (peak = Math.max(peak, rss)));
    }, 25);
    try {
      for (const declare of [true, false]) {
        answers.push(await sendHugeBody('/api/v1/tasks', declare));
        answers.push(await sendHugeBody('/api/v1/tasks/bulk', declare));
      }
    } finally {
      clearInterval(sampler);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfter = await readRss();
    console.log(
      `1 GB anonymous bodies: ${JSON.stringify(answers)}; web RSS ${mib(rssBefore)} before, ` +
        `${mib(peak)} at the peak, ${mib(rssAfter)} after`,
    );
    for (const answer of answers) {
      expect([401, 413, 'reset']).toContain(answer.status);
      expect(answer.ms).toBeLessThan(10_000);
      // The answer came long before the gigabyte was sent.
      expect(answer.sent).toBeLessThan(256 * 1024 * 1024);
    }
    expect(answers.filter((answer) => typeof answer.status === 'number').length).toBeGreaterThan(0);
    expect(peak - rssBefore).toBeLessThan(RSS_MARGIN_BYTES);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_MARGIN_BYTES);
  }, 120_000);
});

const GIGABYTE = 1024 ** 3;

/** Streams 1 GB of zeros (made as sent, never held) until the server answers or hangs up. */
function sendHugeBody(
  path: string,
  declareLength: boolean,
): Promise<{ status: number | string; ms: number; sent: number }> {
  const started = Date.now();
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= GIGABYTE) return this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return new Promise((resolve) => {
    const url = new URL(path, baseUrl);
    const done = (status: number | string) => {
      body.destroy();
      resolve({ status, ms: Date.now() - started, sent });
    };
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(declareLength ? { 'content-length': String(GIGABYTE) } : {}),
      },
    });
    req.on('response', (response) => {
      response.resume();
      done(response.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', () => done('reset'));
    body.pipe(req);
  });
}
