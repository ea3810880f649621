import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';
import { RateLimitedError } from '@/lib/errors';
import type { TaskUpdate } from '@/lib/realtime/events';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { onPrincipalsInvalidated } from '@/server/auth/principal-cache';
import { reconcileTasks, sentinelKey } from '@/server/durability/reconciler';
import { checkHealth } from '@/server/health/health-service';
import { closeClients, getPrisma, getRedis } from '@/server/infra/clients';
import { readQueueFigures } from '@/server/metrics/queue-figures';
import { getQueue, queuePrefix, redisKey } from '@/server/queues/queue-clients';
import {
  assertNotLockedOut,
  forgetFailures,
  recordFailure,
} from '@/server/security/failure-backoff';
import { consumeRateLimit } from '@/server/security/rate-limit';
import { flushOutboxDone } from '@/server/tasks/job-dispatch';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import {
  clusterStartNodes,
  deleteClusterKeys,
  keysPerMaster,
  startPrivateRedisCluster,
  type PrivateRedisCluster,
} from '../support/private-redis-cluster';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { createTestUser, type TestUser } from '../support/users';

// Everything Taskdeck keeps in Redis, on a real Redis Cluster of 3 masters this file starts:
// the web side here (this process, with REDIS_CLUSTER_NODES set before its first client) and a
// worker in a process of its own, as in production. A command whose keys span two slots fails
// on a cluster (CROSSSLOT), so each path below is the proof that its keys share one.

let cluster: PrivateRedisCluster;
let worker: SpawnedProcess;
let owner: TestUser;
let admin: TestUser;
const bus = new BusRecorder();
const sockets: TestSocket[] = [];
let socketNode: Awaited<ReturnType<typeof startSocketNode>> | undefined;

beforeAll(async () => {
  cluster = await startPrivateRedisCluster();
  await closeClients();
  vi.stubEnv('REDIS_CLUSTER_NODES', cluster.nodes);
  vi.stubEnv('CANCEL_DEADLINE_MS', '1500');
  resetEnvCache();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
  // The child inherits the stubbed environment: it runs on the cluster too.
  worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
  await worker.waitForOutput(/worker started/);
  socketNode = await startSocketNode();
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await socketNode?.close();
  await worker?.stop('SIGTERM');
  await killAllSpawned();
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
  await cluster?.stop();
});

describe('on a Redis Cluster', () => {
  it('talks to the cluster, not the single Redis', async () => {
    expect(getRedis()).toBeInstanceOf(Cluster);
    const health = await checkHealth();
    expect(health.redis.ok).toBe(true);
    expect(health.workers.count).toBe(1);
  });

  it('runs a task on the worker and brings its events over the bus and the socket', async () => {
    const socket = await connectClient(socketNode!.url, { cookie: owner.cookie });
    sockets.push(socket);
    const seen: TaskUpdate[] = [];
    socket.on('task.updated', (update) => seen.push(update));

    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 3, stepMs: 20 },
    });
    expect((await bus.waitForUpdate(task.id, isTerminal)).status).toBe('succeeded');
    expect(bus.updatesOf(task.id).map((update) => update.status)).toContain('running');
    await expect.poll(() => seen.some((u) => u.id === task.id && isTerminal(u))).toBe(true);
    expect(await getTask(owner.principal, task.id)).toMatchObject({ status: 'succeeded' });
  });

  it("carries Socket.IO's own node-to-node traffic (the streams adapter)", async () => {
    const other = await startSocketNode();
    try {
      const socket = await connectClient(other.url, { cookie: owner.cookie });
      sockets.push(socket);
      // fetchSockets asks every node over the adapter; the new node is known after its first
      // heartbeat reaches the stream, so ask until it answers.
      await expect
        .poll(async () => (await socketNode!.io.fetchSockets()).map((remote) => remote.id), {
          timeout: 15_000,
        })
        .toContain(socket.id);
    } finally {
      await other.close();
    }
  });

  it('relays a cancel to the worker holding the job', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 200, stepMs: 100 },
    });
    await bus.waitForUpdate(task.id, (update) => update.status === 'running');
    await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
    const end = await bus.waitForUpdate(task.id, isTerminal);
    expect(end.status).toBe('cancelled');
    // Stopped by the processor, well before the forced cancel would have run it to the end.
    expect(end.progress).toBeLessThan(100);
  });

  it('knows the live worker from its heartbeat', async () => {
    const workers = await listLiveWorkers(getEnv().WORKER_HEARTBEAT_MS);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.queues).toEqual(['diagnostics']);
  });

  it('counts rate limits and failure backoffs', async () => {
    const limit = { max: 2, windowSeconds: 60 };
    await consumeRateLimit('cluster-test', limit);
    await consumeRateLimit('cluster-test', limit);
    await expect(consumeRateLimit('cluster-test', limit)).rejects.toBeInstanceOf(RateLimitedError);

    const policy = { failuresBeforeLock: 1, baseSeconds: 30, maxSeconds: 60, memorySeconds: 60 };
    expect(await recordFailure('cluster-subject', policy)).toBe(30);
    await expect(assertNotLockedOut('cluster-subject')).rejects.toBeInstanceOf(RateLimitedError);
    await forgetFailures('cluster-subject');
    await expect(assertNotLockedOut('cluster-subject')).resolves.toBeUndefined();
  });

  it('drops a principal on every node when told over the cluster', async () => {
    const told: string[] = [];
    const stop = onPrincipalsInvalidated((userId) => told.push(userId));
    try {
      const otherNode = new Cluster(clusterStartNodes(cluster.nodes));
      try {
        // Subscribed once the first message after the subscription arrives: repeat until then.
        await expect
          .poll(async () => {
            await otherNode.publish(redisKey('auth-invalidate'), admin.principal.userId);
            return told.includes(admin.principal.userId);
          })
          .toBe(true);
      } finally {
        otherNode.disconnect();
      }
    } finally {
      stop();
    }
  });

  it('reads queue figures, one slot per command', async () => {
    const figures = await readQueueFigures(['diagnostics', 'reports']);
    expect(figures.find((f) => f.queue === 'diagnostics')).toMatchObject({ liveWorkers: 1 });
    expect(figures.find((f) => f.queue === 'reports')).toMatchObject({ liveWorkers: 0 });
  });

  it('requeues lost jobs of several queues in one reconciler pass', async () => {
    // On two queues (two slots), neither run here: the report's has no worker, the other waits.
    const lost = [
      await createTask(admin.principal, {
        type: 'report.generate',
        payload: { from: '2001-03-01', to: '2001-03-03' },
      }),
      await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
        delayMs: 120_000,
      }),
    ];
    await flushOutboxDone();
    for (const task of lost) await getQueue(task.queue).remove(task.id);
    await getPrisma().task.updateMany({
      where: { id: { in: lost.map((task) => task.id) } },
      data: { updatedAt: new Date(Date.now() - 60_000) },
    });
    // No sentinel: the next pass compares every unfinished task.
    await getRedis().del(sentinelKey());
    // The worker's own reconciler may hold the lock for a moment.
    await expect.poll(async () => (await reconcileTasks())?.full, { timeout: 10_000 }).toBe(true);
    for (const task of lost) {
      expect(await getQueue(task.queue).getJobState(task.id)).toMatch(
        /waiting|prioritized|delayed/,
      );
    }
  });

  it('spreads the queues over the masters, each queue in one slot', async () => {
    // The reports queue has keys: the test above left a job on it.
    const redis = getRedis();
    const slotOf = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));
    const slots = new Map<string, number>();
    for (const queue of ['diagnostics', 'reports', 'schedules']) {
      const prefix = queuePrefix(queue);
      expect(prefix).toBe(`${getEnv().QUEUE_PREFIX.slice(0, -1)}:${queue}}`);
      const [wait, meta, job] = [
        getQueue(queue).toKey('wait'),
        getQueue(queue).toKey('meta'),
        getQueue(queue).toKey('x'),
      ];
      const slot = await slotOf(wait!);
      expect(await slotOf(meta!)).toBe(slot);
      expect(await slotOf(job!)).toBe(slot);
      slots.set(queue, slot);
    }
    expect(new Set(slots.values()).size).toBe(3);

    const byMaster = await keysPerMaster(cluster.nodes, getEnv().QUEUE_PREFIX);
    const mastersWithKeys = [...byMaster.values()].filter((keys) => keys.length > 0);
    expect(mastersWithKeys.length).toBeGreaterThan(1);
    // Nothing under the single-Redis tag: every key took a tag of its own.
    const plain = [...byMaster.values()]
      .flat()
      .filter((key) => key.startsWith(getEnv().QUEUE_PREFIX));
    expect(plain).toEqual([]);
  });

  it('deletes a prefix on every master', async () => {
    const prefix = getEnv().QUEUE_PREFIX;
    expect(await deleteClusterKeys(cluster.nodes, prefix)).toBeGreaterThan(0);
    const left = [...(await keysPerMaster(cluster.nodes, prefix)).values()].flat();
    // The worker's heartbeat may have come back meanwhile; nothing else does.
    expect(left.filter((key) => !key.includes(':workers'))).toEqual([]);
  });
});
