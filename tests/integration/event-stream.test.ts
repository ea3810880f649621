import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import {
  comparePosition,
  parseFeedEventId,
  parseTaskEventId,
  STREAM_EVENTS,
  type StreamPosition,
} from '@/lib/realtime/event-stream';
import { isTerminalStatus, type TaskStatus } from '@/lib/tasks/task-view';
import { revokeApiKey } from '@/server/auth/api-keys';
import { getAuth } from '@/server/auth/auth';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { countTaskEventListeners } from '@/server/realtime/live-event-hub';
import { countOpenStreams } from '@/server/realtime/stream-registry';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import {
  followStream,
  type FollowedStream,
  type ReceivedEvent,
} from '../support/event-stream-client';
import { startRouteServer, type RouteServer } from '../support/route-http-server';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// Live events over SSE, followed with the standard `eventsource` client through the real route
// handlers on a real HTTP port, with a real worker running the tasks: snapshot to terminal,
// reconnects with Last-Event-ID (no gap, no repeat), who sees what, revocation, limits, and no
// listener left behind.

const MAX_STREAMS = 3;
const REPLAY_MAX = 4;

let server: RouteServer;
let worker: RunningTaskWorker;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let aliceKey: string;
let bobKey: string;
let adminKey: string;
const streams: FollowedStream[] = [];

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function follow(path: string, key: string, lastEventId?: string): FollowedStream {
  const stream = followStream(server.url + path, auth(key), lastEventId);
  streams.push(stream);
  return stream;
}

function positionOf(event: ReceivedEvent): StreamPosition {
  return parseTaskEventId(event.id) ?? parseFeedEventId(event.id)!;
}

const statusOf = (event: ReceivedEvent): TaskStatus => event.data.status as TaskStatus;
const isEnd = (event: ReceivedEvent) =>
  event.type !== STREAM_EVENTS.taskLog && isTerminalStatus(statusOf(event));

/** Sends the raw request and closes the connection as soon as it is written. */
async function sendAndHangUp(request: string): Promise<void> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(request, () => socket.destroy());
  await once(socket, 'close');
}

async function simulate(user: TestUser, payload: Record<string, unknown>, delayMs?: number) {
  return createTask(user.principal, { type: 'diagnostics.simulate', payload, delayMs });
}

async function timelineOf(taskId: string) {
  return getPrisma().taskTransition.findMany({ where: { taskId }, orderBy: { revision: 'asc' } });
}

async function waitUntilTerminal(taskId: string): Promise<void> {
  await waitFor(async () => {
    const task = await getPrisma().task.findUniqueOrThrow({ where: { id: taskId } });
    return isTerminalStatus(task.status) ? true : undefined;
  }, `task ${taskId} to end`);
}

beforeAll(async () => {
  vi.stubEnv('SSE_HEARTBEAT_MS', '100');
  vi.stubEnv('SSE_MAX_STREAMS_PER_USER', String(MAX_STREAMS));
  vi.stubEnv('SSE_REPLAY_MAX_TASKS', String(REPLAY_MAX));
  resetEnvCache();
  [alice, bob, admin] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
    createTestUser('admin'),
  ]);
  [aliceKey, bobKey, adminKey] = await Promise.all([
    createTestApiKey(alice),
    createTestApiKey(bob),
    createTestApiKey(admin),
  ]);
  server = await startRouteServer(['api/v1/tasks/[id]/events/route.ts', 'api/v1/events/route.ts']);
  worker = await startTaskWorker({ concurrency: 4 });
});

afterAll(async () => {
  for (const stream of streams) stream.source.close();
  await worker?.stop(5_000);
  await server?.close();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('one task: GET /api/v1/tasks/{id}/events', () => {
  it('follows a task from its snapshot to its end, then a reconnect gets 204 and stops', async () => {
    const task = await simulate(alice, { steps: 5, stepMs: 20 });
    const stream = follow(`/api/v1/tasks/${task.id}/events`, aliceKey);
    const received = await stream.until((events) => events.some(isEnd), 'the terminal event');
    expect(received[0]!.type).toBe(STREAM_EVENTS.taskSnapshot);
    expect(received[0]!.data.id).toBe(task.id);
    const states = received.filter((event) => event.type !== STREAM_EVENTS.taskLog);
    for (let i = 1; i < states.length; i += 1) {
      expect(comparePosition(positionOf(states[i]!), positionOf(states[i - 1]!))).toBeGreaterThan(
        0,
      );
    }
    expect(states.at(-1)!.data.status).toBe('succeeded');
    expect(states.at(-1)!.id).toBe(`${states.at(-1)!.data.revision}.${states.at(-1)!.data.seq}`);
    // The server closed after the end; the client came back with the last id and was told 204.
    expect(await stream.closed()).toBe(204);
    expect(stream.statuses).toEqual([200, 204]);
  }, 30_000);

  it('resumes with Last-Event-ID: every status change after it and the end, nothing at or before it', async () => {
    // Fails once at step 3: running, retrying, running again, succeeded.
    const task = await simulate(alice, { steps: 12, stepMs: 40, failAtStep: 3, failAttempts: 1 });
    const first = follow(`/api/v1/tasks/${task.id}/events`, aliceKey);
    await first.until(
      (events) => events.some((event) => event.type === STREAM_EVENTS.taskUpdated),
      'a first live update',
    );
    first.source.close();
    const lastId = first.received.at(-1)!.id;
    const last = parseTaskEventId(lastId)!;

    // Reconnected at once: part replay, part live, across the retry.
    const second = follow(`/api/v1/tasks/${task.id}/events`, aliceKey, lastId);
    const resumed = await second.until((events) => events.some(isEnd), 'the end after resuming');
    const states = resumed.filter((event) => event.type !== STREAM_EVENTS.taskLog);
    for (const event of states) expect(comparePosition(positionOf(event), last)).toBeGreaterThan(0);
    const ids = states.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(states.map((event) => `${event.data.revision}:${event.data.status}`));
    const missed = (await timelineOf(task.id)).filter((entry) => entry.revision > last.revision);
    expect(missed.length).toBeGreaterThan(0);
    for (const entry of missed) expect(seen).toContain(`${entry.revision}:${entry.toStatus}`);
    expect(states.at(-1)!.data.status).toBe('succeeded');
  }, 30_000);

  it('replays what a client missed while it was away, then ends', async () => {
    const task = await simulate(alice, { steps: 3, stepMs: 300 });
    const first = follow(`/api/v1/tasks/${task.id}/events`, aliceKey);
    const [snapshot] = await first.until((events) => events.length > 0, 'the snapshot');
    first.source.close();
    await waitUntilTerminal(task.id);

    const second = follow(`/api/v1/tasks/${task.id}/events`, aliceKey, snapshot!.id);
    const replayed = await second.until((events) => events.some(isEnd), 'the replayed end');
    const timeline = await timelineOf(task.id);
    const after = timeline.filter((entry) => entry.revision > snapshot!.data.revision);
    expect(replayed.map((event) => event.data.status)).toEqual(
      after.map((entry) => entry.toStatus),
    );
    expect(replayed.at(-1)!.data.progress).toBe(100);
    expect(await second.closed()).toBe(204);
  }, 30_000);

  it("answers someone else's task 404, no key 401, a task already ended 204 from its last id", async () => {
    const task = await simulate(alice, { steps: 1, stepMs: 0 });
    await waitUntilTerminal(task.id);
    const url = `${server.url}/api/v1/tasks/${task.id}/events`;
    const asBob = await fetch(url, { headers: auth(bobKey) });
    expect(asBob.status).toBe(404);
    expect(asBob.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(url)).status).toBe(401);
    const done = await getPrisma().task.findUniqueOrThrow({ where: { id: task.id } });
    const after = await fetch(url, {
      headers: { ...auth(aliceKey), 'last-event-id': `${done.revision}.${done.seq}` },
    });
    expect(after.status).toBe(204);
    // The admin may follow it; an ended task's stream is its snapshot alone.
    const asAdmin = await fetch(url, { headers: auth(adminKey) });
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.text()).toContain(
      `event: ${STREAM_EVENTS.taskSnapshot}\nid: ${done.revision}.${done.seq}\n`,
    );
  });
});

describe('every task: GET /api/v1/events', () => {
  it('gives admins every task and users only their own', async () => {
    const adminFeed = follow('/api/v1/events', adminKey);
    const bobFeed = follow('/api/v1/events', bobKey);
    await waitFor(
      async () => (adminFeed.statuses.length && bobFeed.statuses.length ? true : undefined),
      'both feeds',
    );
    const alices = await simulate(alice, { steps: 2, stepMs: 10 });
    await adminFeed.until(
      (events) => events.some((event) => event.data.id === alices.id && isEnd(event)),
      "alice's task ending on the admin's feed",
    );
    const bobs = await simulate(bob, { steps: 2, stepMs: 10 });
    await bobFeed.until(
      (events) => events.some((event) => event.data.id === bobs.id && isEnd(event)),
      "bob's task ending on bob's feed",
    );
    await adminFeed.until(
      (events) => events.some((event) => event.data.id === bobs.id && isEnd(event)),
      "bob's task on the admin's feed",
    );
    // One subscription delivers in order: alice's events came before bob's, had they been sent.
    expect(bobFeed.received.filter((event) => event.data.id === alices.id)).toEqual([]);
    expect(adminFeed.received.find((event) => event.data.id === bobs.id)!.type).toBe(
      STREAM_EVENTS.taskCreated,
    );
  }, 30_000);

  it('replays the tasks changed while away, without the last event of the task it names', async () => {
    const carol = await createTestUser('user', 'carol');
    const carolKey = await createTestApiKey(carol);
    const feed = follow('/api/v1/events', carolKey);
    await waitFor(async () => (feed.statuses.length ? true : undefined), 'the feed');
    const seen = await simulate(carol, { steps: 1, stepMs: 0 });
    await feed.until(
      (events) => events.some((event) => event.data.id === seen.id && isEnd(event)),
      'the first task ending',
    );
    feed.source.close();
    const lastId = feed.received.at(-1)!.id;
    const missed = await simulate(carol, { steps: 1, stepMs: 0 });
    await waitUntilTerminal(missed.id);

    const again = follow('/api/v1/events', carolKey, lastId);
    const replayed = await again.until(
      (events) => events.some((event) => event.data.id === missed.id),
      'the missed task',
    );
    const snapshot = replayed.find((event) => event.data.id === missed.id)!;
    expect(snapshot.type).toBe(STREAM_EVENTS.taskSnapshot);
    expect(snapshot.data.status).toBe('succeeded');
    expect(parseFeedEventId(snapshot.id)!.taskId).toBe(missed.id);
    // The task of the last event is not sent again at or before that event.
    expect(replayed.filter((event) => event.data.id === seen.id)).toEqual([]);
  }, 30_000);

  it('starts with the unfinished tasks; past the cap, a stream.reset and the newest ones', async () => {
    const dave = await createTestUser('user', 'dave');
    const daveKey = await createTestApiKey(dave);
    const waiting = [];
    for (let i = 0; i < REPLAY_MAX + 2; i += 1) {
      waiting.push(await simulate(dave, { steps: 1, stepMs: 0 }, 86_400_000));
    }
    const feed = follow('/api/v1/events', daveKey);
    const received = await feed.until((events) => events.length >= REPLAY_MAX + 1, 'the start');
    expect(received[0]!.type).toBe(STREAM_EVENTS.streamReset);
    expect(received[0]!.data).toEqual({ reason: 'too_many_changes', replayed: REPLAY_MAX });
    const snapshots = received.slice(1);
    expect(snapshots.every((event) => event.type === STREAM_EVENTS.taskSnapshot)).toBe(true);
    expect(new Set(snapshots.map((event) => event.data.id))).toEqual(
      new Set(waiting.slice(-REPLAY_MAX).map((task) => task.id)),
    );
  });
});

describe('connections', () => {
  it('ends a stream when its key is revoked, and the client is refused after', async () => {
    const erin = await createTestUser('user', 'erin');
    const key = await createTestApiKey(erin);
    const keyId = (
      await getPrisma().apiKey.findFirstOrThrow({ where: { userId: erin.principal.userId } })
    ).id;
    const feed = follow('/api/v1/events', key);
    await waitFor(async () => (feed.statuses.length ? true : undefined), 'the feed');
    await revokeApiKey(erin.principal, keyId, NO_AUDIT_CONTEXT);
    expect(await feed.closed()).toBe(401);
    expect(feed.statuses).toEqual([200, 401]);
  }, 30_000);

  it('ends a stream opened with a session cookie when that session signs out', async () => {
    const grace = await createTestUser('user', 'grace');
    const feed = followStream(`${server.url}/api/v1/events`, { cookie: grace.cookie });
    streams.push(feed);
    await waitFor(async () => (feed.statuses.length ? true : undefined), 'the feed');
    await getAuth().api.signOut({ headers: new Headers({ cookie: grace.cookie }) });
    // Signed out, the cookie is anonymous: the reconnect is refused.
    expect(await feed.closed()).toBe(401);
    expect(feed.statuses).toEqual([200, 401]);
  }, 30_000);

  it('sends heartbeats, and refuses a stream past the per-user limit with 429', async () => {
    const frank = await createTestUser('user', 'frank');
    const key = await createTestApiKey(frank);
    const controllers = Array.from({ length: MAX_STREAMS }, () => new AbortController());
    const open = await Promise.all(
      controllers.map((controller) =>
        fetch(`${server.url}/api/v1/events`, { headers: auth(key), signal: controller.signal }),
      ),
    );
    expect(open.map((response) => response.status)).toEqual(controllers.map(() => 200));
    const reader = open[0]!.body!.getReader();
    let text = '';
    while (!text.includes(': ping\n\n'))
      text += new TextDecoder().decode((await reader.read()).value);
    expect(text.startsWith('retry: ')).toBe(true);

    const refused = await fetch(`${server.url}/api/v1/events`, { headers: auth(key) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('too_many_streams');
    controllers[0]!.abort();
    const again = await waitFor(async () => {
      const response = await fetch(`${server.url}/api/v1/events`, { headers: auth(key) });
      if (response.status === 200) return response;
      await response.body?.cancel();
      return undefined;
    }, 'a free slot');
    await again.body!.cancel();
    for (const controller of controllers) controller.abort();
  });

  it('leaves no listener or stream behind after many connects and disconnects', async () => {
    for (const stream of streams) stream.source.close();
    const baseline = await waitFor(async () => {
      const open = countOpenStreams();
      return open === 0 ? { listeners: countTaskEventListeners(), open } : undefined;
    }, 'earlier streams to close');
    const task = await simulate(bob, { steps: 1, stepMs: 0 }, 86_400_000);
    for (let round = 0; round < 20; round += 1) {
      const controllers = Array.from({ length: MAX_STREAMS }, () => new AbortController());
      const responses = await Promise.all(
        controllers.map((controller, i) =>
          fetch(`${server.url}${i % 2 ? '/api/v1/events' : `/api/v1/tasks/${task.id}/events`}`, {
            headers: auth(bobKey),
            signal: controller.signal,
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(controllers.map(() => 200));
      for (const controller of controllers) controller.abort();
      // And a client that hangs up right after its request, before the answer is ready: once
      // the handler has answered, its stream must be gone too.
      const answered = server.answered;
      await sendAndHangUp(
        `GET /api/v1/events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${bobKey}\r\n\r\n`,
      );
      await waitFor(async () => (server.answered > answered ? true : undefined), 'the answer');
      await waitFor(
        async () => (countOpenStreams() === baseline.open ? true : undefined),
        'the streams to be released',
      );
    }
    expect(countTaskEventListeners()).toBe(baseline.listeners);
  }, 60_000);
});
