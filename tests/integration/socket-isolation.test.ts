import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeAck, TaskLogLine, TaskUpdate } from '@/lib/realtime/events';
import type { TaskView } from '@/lib/tasks/task-view';
import { revokeApiKey } from '@/server/auth/api-keys';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// User B must never receive an event of user A's task, whatever B asks for.

let worker: RunningTaskWorker;
let node: Awaited<ReturnType<typeof startSocketNode>>;
const bus = new BusRecorder();
const sockets: TestSocket[] = [];
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [alice, bob, admin] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
    createTestUser('admin'),
  ]);
  await bus.start();
  worker = await startTaskWorker({ concurrency: 2 });
  node = await startSocketNode();
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await node.close();
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

async function connect(credentials: { cookie?: string; token?: string }): Promise<TestSocket> {
  const socket = await connectClient(node.url, credentials);
  sockets.push(socket);
  return socket;
}

function record(socket: TestSocket) {
  const seen: Array<{ event: string; id: string }> = [];
  socket.on('task.created', (task: TaskView) => seen.push({ event: 'created', id: task.id }));
  socket.on('task.updated', (update: TaskUpdate) => seen.push({ event: 'updated', id: update.id }));
  return seen;
}

function subscribe(socket: TestSocket, ids: string[]): Promise<SubscribeAck> {
  return new Promise((resolve) => socket.emit('tasks.subscribe', ids, resolve));
}

describe('Socket.IO isolation', () => {
  it('relays a task only to its owner and admins, whatever rooms others ask for', async () => {
    const aliceSocket = await connect({ cookie: alice.cookie });
    const aliceKeySocket = await connect({ token: await createTestApiKey(alice) });
    const bobSocket = await connect({ cookie: bob.cookie });
    const adminSocket = await connect({ cookie: admin.cookie });
    const seenByAlice = record(aliceSocket);
    const seenByAliceKey = record(aliceKeySocket);
    const seenByBob = record(bobSocket);
    const seenByAdmin = record(adminSocket);

    // Bob's own task, so we know his socket does receive events.
    const bobsTask = await createTask(bob.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 2, stepMs: 50 },
    });
    const alicesTask = await createTask(alice.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 10, stepMs: 50 },
    });
    // Bob asks for Alice's task by id, while it runs: he gets nothing and joins nothing.
    await bus.waitForUpdate(alicesTask.id, (u) => u.status === 'running');
    expect(await subscribe(bobSocket, [alicesTask.id])).toEqual({ ok: true, tasks: [] });
    expect(await subscribe(bobSocket, [alicesTask.id, bobsTask.id])).toMatchObject({
      ok: true,
      tasks: [{ id: bobsTask.id }],
    });
    await bus.waitForUpdate(alicesTask.id, isTerminal);
    await bus.waitForUpdate(bobsTask.id, isTerminal);
    // Give the relay a moment past the last event before looking for what did not arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const ofAlice = (seen: Array<{ event: string; id: string }>) =>
      seen.filter((e) => e.id === alicesTask.id);
    expect(ofAlice(seenByBob)).toEqual([]);
    expect(seenByBob.some((e) => e.id === bobsTask.id)).toBe(true);
    // running, 10 steps, succeeded, plus creation.
    for (const seen of [seenByAlice, seenByAliceKey, seenByAdmin]) {
      expect(ofAlice(seen).filter((e) => e.event === 'updated')).toHaveLength(12);
      expect(ofAlice(seen).filter((e) => e.event === 'created')).toHaveLength(1);
    }
    expect(seenByAlice.some((e) => e.id === bobsTask.id)).toBe(false);
    expect(seenByAdmin.some((e) => e.id === bobsTask.id)).toBe(true);
  });

  it('refuses a handshake without credentials, with a bad cookie, or with a revoked or expired key', async () => {
    await expect(connectClient(node.url)).rejects.toThrow('unauthorized');
    await expect(
      connectClient(node.url, { cookie: 'better-auth.session_token=forged' }),
    ).rejects.toThrow('unauthorized');
    await expect(connectClient(node.url, { token: 'tdk_not-a-real-key' })).rejects.toThrow(
      'unauthorized',
    );

    const revoked = await createTestApiKey(alice);
    const [record] = await getPrisma().apiKey.findMany({
      where: { userId: alice.principal.userId },
      orderBy: { createdAt: 'desc' },
      take: 1,
    });
    await revokeApiKey(alice.principal, record!.id, NO_AUDIT_CONTEXT);
    await expect(connectClient(node.url, { token: revoked })).rejects.toThrow('unauthorized');

    const expiring = await createTestApiKey(alice, 1);
    await getPrisma().apiKey.updateMany({
      where: { userId: alice.principal.userId, revokedAt: null },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    await expect(connectClient(node.url, { token: expiring })).rejects.toThrow('unauthorized');
  });

  it('sends log lines only to sockets that subscribed to the task and may see it', async () => {
    const alicePage = await connect({ cookie: alice.cookie });
    const aliceDashboard = await connect({ cookie: alice.cookie });
    const bobSocket = await connect({ cookie: bob.cookie });
    const logsOf = (socket: TestSocket) => {
      const lines: TaskLogLine[] = [];
      socket.on('task.log', (line: TaskLogLine) => lines.push(line));
      return lines;
    };
    const onPage = logsOf(alicePage);
    const onDashboard = logsOf(aliceDashboard);
    const onBob = logsOf(bobSocket);
    const task = await createTask(alice.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 4, stepMs: 100 },
      delayMs: 300,
    });
    expect(await subscribe(alicePage, [task.id])).toMatchObject({ ok: true });
    expect(await subscribe(bobSocket, [task.id])).toEqual({ ok: true, tasks: [] });
    await bus.waitForUpdate(task.id, isTerminal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onPage.map((line) => line.message)).toEqual([
      'Attempt 1: simulating 4 steps of 100 ms',
      expect.stringMatching(/^Finished 4 steps in \d+ ms$/),
    ]);
    expect(onPage.every((line) => line.taskId === task.id && line.attempt === 1)).toBe(true);
    // The owner's other sockets (a dashboard) do not get every line of every task.
    expect(onDashboard).toEqual([]);
    expect(onBob).toEqual([]);
    const stored = await getPrisma().taskLog.findMany({ where: { taskId: task.id } });
    expect(stored.map((line) => line.id).sort()).toEqual(onPage.map((line) => line.id));
  });
});
