import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { resetEnvCache } from '@/lib/env';
import type { AdminOverviewAck, TaskUpdate } from '@/lib/realtime/events';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients, getRedis } from '@/server/infra/clients';
import { audienceChannel } from '@/server/realtime/event-bus';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// Events are routed by audience: a node subscribes to the channel of an owner only while it
// holds a socket of that owner, and every socket gets each event once, the admin who owns a
// task included. The admin overview is computed by one node and reaches watchers on all.

const OVERVIEW_INTERVAL_MS = 300;

type Node = Awaited<ReturnType<typeof startSocketNode>>;
let nodeA: Node;
let nodeB: Node;
let worker: RunningTaskWorker;
const bus = new BusRecorder();
const sockets: TestSocket[] = [];
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  vi.stubEnv('ADMIN_OVERVIEW_INTERVAL_MS', String(OVERVIEW_INTERVAL_MS));
  resetEnvCache();
  [alice, bob, admin] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
    createTestUser('admin'),
  ]);
  await bus.start();
  worker = await startTaskWorker({ concurrency: 4 });
  [nodeA, nodeB] = await Promise.all([startSocketNode(), startSocketNode()]);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await Promise.all([nodeA.close(), nodeB.close()]);
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function connect(node: Node, who: TestUser): Promise<TestSocket> {
  const socket = await connectClient(node.url, { cookie: who.cookie });
  sockets.push(socket);
  return socket;
}

async function subscribers(channel: string): Promise<number> {
  const reply = (await getRedis().pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

const ownerChannel = (user: TestUser) =>
  audienceChannel({ kind: 'owner', ownerId: user.principal.userId });

/** Every event a socket got, as `kind:task:revision.seq`, so a doubled one shows. */
function record(socket: TestSocket): string[] {
  const seen: string[] = [];
  socket.on('task.created', (task: TaskView) => seen.push(`created:${task.id}`));
  socket.on('task.updated', (u: TaskUpdate) => seen.push(`updated:${u.id}:${u.revision}.${u.seq}`));
  return seen;
}

function busEventsOf(taskIds: string[]): string[] {
  return bus.messages.flatMap((message) => {
    if (message.kind === 'task.created' && taskIds.includes(message.task.id)) {
      return [`created:${message.task.id}`];
    }
    if (message.kind === 'task.updated' && taskIds.includes(message.update.id)) {
      const u = message.update;
      return [`updated:${u.id}:${u.revision}.${u.seq}`];
    }
    return [];
  });
}

describe('routing task events by audience', () => {
  it("subscribes a node to an owner's channel only while it holds a socket of that owner", async () => {
    expect(await subscribers(ownerChannel(alice))).toBe(0);
    const aliceOnA = await connect(nodeA, alice);
    const bobOnB = await connect(nodeB, bob);
    expect(await subscribers(ownerChannel(alice))).toBe(1);
    expect(await subscribers(ownerChannel(bob))).toBe(1);
    // A second socket of the same user on the same node shares the node's subscription.
    const aliceAgain = await connect(nodeA, alice);
    expect(await subscribers(ownerChannel(alice))).toBe(1);

    aliceOnA.disconnect();
    expect(await subscribers(ownerChannel(alice))).toBe(1);
    aliceAgain.disconnect();
    await waitFor(
      async () => ((await subscribers(ownerChannel(alice))) === 0 ? true : undefined),
      "node A leaving Alice's channel",
    );
    expect(await subscribers(ownerChannel(bob))).toBe(1);
    bobOnB.disconnect();
    await waitFor(
      async () => ((await subscribers(ownerChannel(bob))) === 0 ? true : undefined),
      "node B leaving Bob's channel",
    );
  });

  it('gives every socket on every node each event it may see exactly once', async () => {
    const watchers = {
      aliceA: record(await connect(nodeA, alice)),
      aliceB: record(await connect(nodeB, alice)),
      adminA: record(await connect(nodeA, admin)),
      adminB: record(await connect(nodeB, admin)),
      bobB: record(await connect(nodeB, bob)),
    };
    const payload = { steps: 4, stepMs: 30 };
    // The admin's own task: the admin is both its owner and an admin, and must get it once.
    const tasks = await Promise.all([
      createTask(alice.principal, { type: 'diagnostics.simulate', payload }),
      createTask(admin.principal, { type: 'diagnostics.simulate', payload }),
    ]);
    const [alicesTask, adminsTask] = tasks;
    for (const task of tasks) await bus.waitForUpdate(task.id, isTerminal, 20_000);
    const everything = busEventsOf(tasks.map((task) => task.id));
    const alices = busEventsOf([alicesTask!.id]);
    // Admins see every task of the tier, also tasks that earlier files left running: theirs
    // are compared over this test's two tasks.
    const ids = tasks.map((task) => task.id);
    const ofThese = (list: string[]) => list.filter((entry) => ids.includes(entry.split(':')[1]!));
    await waitFor(
      async () =>
        ofThese(watchers.adminA).length >= everything.length &&
        ofThese(watchers.adminB).length >= everything.length &&
        watchers.aliceA.length >= alices.length &&
        watchers.aliceB.length >= alices.length
          ? true
          : undefined,
      'every socket to get its events',
    );
    const sorted = (list: string[]) => [...list].sort();
    expect(new Set(everything).size).toBe(everything.length);
    expect(sorted(ofThese(watchers.adminA))).toEqual(sorted(everything));
    expect(sorted(ofThese(watchers.adminB))).toEqual(sorted(everything));
    expect(sorted(watchers.aliceA)).toEqual(sorted(alices));
    expect(sorted(watchers.aliceB)).toEqual(sorted(alices));
    expect(watchers.bobB).toEqual([]);
    expect(adminsTask!.ownerId).toBe(admin.principal.userId);
  });
});

describe('the admin overview across nodes', () => {
  function watch(socket: TestSocket): Promise<AdminOverview[]> {
    const pushed: AdminOverview[] = [];
    socket.on('admin.overview', (overview) => pushed.push(overview));
    return new Promise((resolve, reject) =>
      socket.emit('admin.overview.subscribe', (ack: AdminOverviewAck) =>
        ack.ok ? resolve(pushed) : reject(new Error(ack.error)),
      ),
    );
  }

  it('is computed by one node and pushed to watchers on both; the other takes over', async () => {
    const extraNode = await startSocketNode();
    const onLeader = await watch(await connectClient(extraNode.url, { cookie: admin.cookie }));
    // Alone, the extra node is the one computing; then nodes A and B watch as well.
    await waitFor(async () => (onLeader.length > 0 ? true : undefined), 'a first push');
    const onA = await watch(await connect(nodeA, admin));
    const onB = await watch(await connect(nodeB, admin));
    await waitFor(async () => (onA.length >= 3 && onB.length >= 3 ? true : undefined), 'pushes');
    // One computation per tick: the watchers on every node got the same snapshots, each once.
    const times = (list: AdminOverview[]) => list.map((overview) => overview.generatedAt);
    const common = times(onA).filter((time) => times(onB).includes(time));
    expect(common.length).toBeGreaterThanOrEqual(2);
    expect(new Set(times(onA)).size).toBe(onA.length);
    expect(times(onLeader)).toEqual(expect.arrayContaining(common));

    await extraNode.close();
    const before = onA.length;
    await waitFor(async () => (onA.length >= before + 3 ? true : undefined), 'pushes after');
    const after = times(onA).slice(before);
    expect(times(onB)).toEqual(expect.arrayContaining(after.slice(0, -1)));
  });
});
