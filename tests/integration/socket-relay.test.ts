import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeAck, TaskUpdate } from '@/lib/realtime/events';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { createTestUser, type TestUser } from '../support/users';

let worker: RunningTaskWorker;
const nodes: Array<Awaited<ReturnType<typeof startSocketNode>>> = [];
const sockets: TestSocket[] = [];

let owner: TestUser;

beforeAll(async () => {
  owner = await createTestUser();
  worker = await startTaskWorker({ concurrency: 2 });
  // Two web nodes: every event must reach the sockets of both.
  nodes.push(await startSocketNode(), await startSocketNode());
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const node of nodes) await node.close();
  await worker.stop(5_000);
  await closeClients();
});

async function client(nodeIndex: number): Promise<TestSocket> {
  const socket = await connectClient(nodes[nodeIndex]!.url, { cookie: owner.cookie });
  sockets.push(socket);
  return socket;
}

function collect(socket: TestSocket) {
  const created: TaskView[] = [];
  const updates: TaskUpdate[] = [];
  socket.on('task.created', (task) => created.push(task));
  socket.on('task.updated', (update) => updates.push(update));
  return { created, updates };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for events');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function subscribe(socket: TestSocket, ids: unknown): Promise<SubscribeAck> {
  return new Promise((resolve) => socket.emit('tasks.subscribe', ids as string[], resolve));
}

describe('Socket.IO relay', () => {
  it('delivers creation, progress and completion to clients on every node, once each', async () => {
    const [a, b] = [await client(0), await client(1)];
    const seenA = collect(a);
    const seenB = collect(b);

    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 5, stepMs: 20 },
    });
    const finished = (seen: { updates: TaskUpdate[] }) =>
      seen.updates.some((u) => u.id === task.id && u.status === 'succeeded');
    await until(() => finished(seenA) && finished(seenB));

    for (const seen of [seenA, seenB]) {
      expect(seen.created.map((t) => t.id)).toContain(task.id);
      // Live rows name the task as its type module does, like rows read over REST.
      expect(seen.created.find((t) => t.id === task.id)).toMatchObject({
        label: 'Simulated work',
        summary: '5 steps × 20 ms',
      });
      const mine = seen.updates.filter((u) => u.id === task.id);
      // running + 5 steps + succeeded, each exactly once: the status changes each open a new
      // revision (seq 0), the steps count on within the running one.
      expect(mine.map((u) => [u.revision - task.revision, u.seq])).toEqual([
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 3],
        [1, 4],
        [1, 5],
        [2, 0],
      ]);
      expect(mine.map((u) => u.progress)).toEqual([0, 20, 40, 60, 80, 100, 100]);
    }
  });

  it('answers a subscribe with current snapshots, leaving out unknown ids', async () => {
    const socket = await client(0);
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
    });
    const unknown = '00000000-0000-7000-8000-0000000000ff';
    const ack = await subscribe(socket, [task.id, unknown]);
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.tasks.map((t) => t.id)).toEqual([task.id]);
    expect(ack.tasks[0]?.type).toBe('diagnostics.simulate');
    expect(ack.tasks[0]).toMatchObject({ label: 'Simulated work', summary: '1 step × 0 ms' });
  });

  it('rejects a malformed subscribe without joining anything', async () => {
    const socket = await client(1);
    expect(await subscribe(socket, ['not-a-uuid'])).toEqual({
      ok: false,
      error: 'Expected a list of at most 500 task ids.',
    });
    expect(await subscribe(socket, 'x')).toMatchObject({ ok: false });
  });
});
