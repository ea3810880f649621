import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io as connectSocket } from 'socket.io-client';
import { resetEnvCache } from '@/lib/env';
import type { SubscribeAck, TaskUpdate } from '@/lib/realtime/events';
import type { TaskFileView } from '@/lib/files/task-file-view';
import { isTerminalStatus, type TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { BusRecorder } from '../support/bus-recorder';
import { startFailoverProxy, type FailoverProxy } from '../support/failover-proxy';
import {
  clusterServices,
  startScaleOutCluster,
  type ScaleOutCluster,
  type ScaleOutServices,
} from '../support/scale-out-cluster';
import type { TestSocket } from '../support/socket-server-fixture';
import { killAllSpawned } from '../support/spawn-process';
import { MESSY_CSV } from '../support/upload-files';
import { createTestApiKey, createTestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// Two web processes and three workers of the production build on shared services: work
// submitted through one node is done by any worker and served by the other; every socket on
// every node gets every event it may see exactly once; and when a web node dies (SIGKILL), a
// load balancer without stickiness sends its clients to the other, which keeps serving. The
// services are those of a multi-machine deployment: a Redis Cluster of 3 masters and an S3
// server, both private to this file (ports apart from the other tiers' private services).

const provideServices = clusterServices('scale', {
  redis: { from: 17_100, to: 17_200 },
  s3: [16_500, 16_599],
});
let services: ScaleOutServices;
let cluster: ScaleOutCluster;
const proxies: FailoverProxy[] = [];
const bus = new BusRecorder();
let userKey: string;
let adminKey: string;

beforeAll(async () => {
  services = await provideServices(
    Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => !!entry[1]),
    ),
  );
  // This process signs users up and records the bus on the same services as the processes.
  await closeClients();
  for (const [name, value] of Object.entries(services.env)) vi.stubEnv(name, value);
  resetEnvCache();
  cluster = await startScaleOutCluster({ env: services.env, webs: 2, workers: 3 });
  await bus.start();
  userKey = await createTestApiKey(await createTestUser('user', 'scale'));
  adminKey = await createTestApiKey(await createTestUser('admin', 'scale-admin'));
}, 240_000);

afterAll(async () => {
  await bus.stop();
  for (const proxy of proxies) await proxy.close();
  await cluster?.stop();
  await killAllSpawned();
  await closeClients();
  await services?.teardown();
  vi.unstubAllEnvs();
  resetEnvCache();
});

const nodeUrl = (index: 0 | 1) => cluster.webUrls[index]!;

async function api<T>(base: string, path: string, init: RequestInit = {}, key = userKey) {
  const response = await fetch(base + path, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
  const type = response.headers.get('content-type') ?? '';
  const body = (type.includes('json') ? await response.json() : await response.text()) as T;
  return { status: response.status, body, response };
}

async function createSimulated(base: string, steps: number, stepMs: number): Promise<TaskView> {
  const created = await api<TaskView>(base, '/api/v1/tasks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'diagnostics.simulate', payload: { steps, stepMs } }),
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** A socket that records every task event it gets, as `task:kind:revision.seq`. */
interface Recorder {
  socket: TestSocket;
  seen: string[];
  latest: Map<string, string>;
  connects: number;
}

async function record(url: string, key: string): Promise<Recorder> {
  const socket: TestSocket = connectSocket(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    auth: { token: key },
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  });
  const recorder: Recorder = { socket, seen: [], latest: new Map(), connects: 0 };
  socket.on('task.created', (task) => {
    recorder.seen.push(`${task.id}:created`);
    recorder.latest.set(task.id, task.status);
  });
  socket.on('task.updated', (update: TaskUpdate) => {
    recorder.seen.push(`${update.id}:updated:${update.revision}.${update.seq}`);
    recorder.latest.set(update.id, update.status);
  });
  socket.on('connect', () => (recorder.connects += 1));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return recorder;
}

/** What the bus carried for these tasks: what a socket entitled to them must get, once each. */
function published(taskIds: Set<string>): string[] {
  return bus.messages.flatMap((message) => {
    if (message.kind === 'task.created' && taskIds.has(message.task.id)) {
      return [`${message.task.id}:created`];
    }
    if (message.kind === 'task.updated' && taskIds.has(message.update.id)) {
      const { update } = message;
      return [`${update.id}:updated:${update.revision}.${update.seq}`];
    }
    return [];
  });
}

const seenOf = (recorder: Recorder, ids: Set<string>) =>
  recorder.seen.filter((entry) => ids.has(entry.slice(0, entry.indexOf(':')))).sort();

function allEnded(ids: Iterable<string>): boolean {
  for (const id of ids) {
    const terminal = bus
      .updatesOf(id)
      .some((update) => update.status === 'succeeded' || update.status === 'failed');
    if (!terminal) return false;
  }
  return true;
}

describe('two web nodes and three workers', () => {
  it('processes a CSV uploaded through node A and serves its output through node B', async () => {
    const form = new FormData();
    form.append('file', new Blob([MESSY_CSV], { type: 'text/csv' }), 'messy.csv');
    const uploaded = await api<{ tasks: TaskView[] }>(nodeUrl(0), '/api/v1/files', {
      method: 'POST',
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const id = uploaded.body.tasks[0]!.id;
    const task = await waitFor(
      async () => {
        const read = await api<TaskView>(nodeUrl(1), `/api/v1/tasks/${id}`);
        return isTerminalStatus(read.body.status) ? read.body : undefined;
      },
      'the CSV task to end',
      60_000,
    );
    expect(task.status).toBe('succeeded');
    const files = await api<{ files: TaskFileView[] }>(nodeUrl(1), `/api/v1/tasks/${id}/files`);
    const cleaned = files.body.files.find((file) => file.kind === 'cleaned-csv');
    expect(cleaned).toBeDefined();
    const download = await api<string>(nodeUrl(1), cleaned!.url);
    expect(download.status).toBe(200);
    expect(download.body.split('\n')[0]).toBe('id,name,amount,joined');
    expect(download.body).toContain('"Grace, Rear Admiral"');
  });

  it('runs 100 tasks created alternately on both nodes; every socket gets each event once', async () => {
    const sockets = {
      userA: await record(nodeUrl(0), userKey),
      userB: await record(nodeUrl(1), userKey),
      adminA: await record(nodeUrl(0), adminKey),
      adminB: await record(nodeUrl(1), adminKey),
    };
    const ids = new Set<string>();
    for (let index = 0; index < 100; index += 1) {
      ids.add((await createSimulated(nodeUrl(index % 2 === 0 ? 0 : 1), 3, 20)).id);
    }
    await waitFor(async () => (allEnded(ids) ? true : undefined), 'all 100 tasks', 120_000);
    const expected = published(ids).sort();
    // Nothing published twice on the bus either: ids and positions are unique.
    expect(new Set(expected).size).toBe(expected.length);
    for (const [name, recorder] of Object.entries(sockets)) {
      await waitFor(
        async () => (seenOf(recorder, ids).length >= expected.length ? true : undefined),
        `${name} to get every event`,
      );
      expect(seenOf(recorder, ids), name).toEqual(expected);
      recorder.socket.disconnect();
    }
    for (const id of ids) {
      expect(bus.updatesOf(id).at(-1)?.status).toBe('succeeded');
    }
    // One hash tag per queue: the queues' keys are spread over the cluster, not on one slot.
    const byMaster = await services.keysPerMaster!();
    const holding = [...byMaster.values()].filter((keys) => keys.length > 0);
    expect(holding.length).toBeGreaterThan(1);
  });

  it('keeps serving when node A is killed; its clients reconnect to B and miss nothing', async () => {
    // A load balancer with no stickiness: new connections go to A while it lives, then to B.
    const balancer = await startFailoverProxy([nodeUrl(0), nodeUrl(1)]);
    proxies.push(balancer);
    const viaBalancer = await record(balancer.url, userKey);
    const onB = await record(nodeUrl(1), userKey);

    // Tasks running while A dies: what the client missed comes back as the resubscribe's snapshot.
    const inFlight = new Set<string>();
    for (let index = 0; index < 6; index += 1) {
      inFlight.add((await createSimulated(nodeUrl(1), 10, 150)).id);
    }
    viaBalancer.socket.on('connect', () => {
      viaBalancer.socket.emit('tasks.subscribe', [...inFlight], (ack: SubscribeAck) => {
        if (ack.ok) for (const task of ack.tasks) viaBalancer.latest.set(task.id, task.status);
      });
    });
    await cluster.webs[0]!.stop('SIGKILL');
    await waitFor(
      async () => (viaBalancer.connects >= 2 && viaBalancer.socket.connected ? true : undefined),
      'the client to reconnect through the balancer',
      20_000,
    );
    const health = await fetch(`${nodeUrl(1)}/api/health`);
    expect(health.status).toBe(200);

    const after = new Set<string>();
    for (let index = 0; index < 20; index += 1) {
      after.add((await createSimulated(balancer.url, 2, 20)).id);
    }
    await waitFor(
      async () => (allEnded([...after, ...inFlight]) ? true : undefined),
      'the tasks to end',
      60_000,
    );
    const expected = published(after).sort();
    for (const recorder of [viaBalancer, onB]) {
      await waitFor(
        async () => (seenOf(recorder, after).length >= expected.length ? true : undefined),
        'the events after the failover',
      );
      expect(seenOf(recorder, after)).toEqual(expected);
    }
    // The reconnected client knows how every in-flight task ended, by event or snapshot.
    await waitFor(
      async () =>
        [...inFlight].every((id) => viaBalancer.latest.get(id) === 'succeeded') ? true : undefined,
      'the in-flight tasks to show as succeeded',
    );
    // The socket that stayed on B saw every event of the in-flight tasks, once.
    expect(seenOf(onB, inFlight)).toEqual(published(inFlight).sort());
    viaBalancer.socket.disconnect();
    onB.socket.disconnect();
  });
});
