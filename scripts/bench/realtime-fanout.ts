import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import type { BusMessage, TaskUpdate } from '@/lib/realtime/events';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import { deleteRedisKeys, recreateDatabase } from '@/tests/support/reset-services';
import { assertProductionBuild } from './bench-env';
import { spawnEntry, type BenchProcess } from './bench-process';
import { BenchSetupError, isEntryPoint, parseWholeNumber, runScript } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';

// Issue 18: what scaling out costs and gives. (a) Fan-out: task events published vs received
// by each web node's Socket.IO server (its /metrics counter), with 1 and 2 web nodes, and with
// sockets of disjoint users on each node (routing: each node gets only its users' events) vs
// the same users on both. The raw baseline is the design before routing, where every node
// received every event: published × 1 per node. (b) Create throughput (POST /api/v1/tasks,
// spread over the web nodes) and end-to-end tasks/s (first POST to the last task finished)
// with 1 and with 3 worker processes. Own database and queue prefix (…_fanout), production
// build; only what it created is dropped.

const DATABASE_URL = `${BENCH_SETTINGS.DATABASE_URL}_fanout`;
const QUEUE_PREFIX = BENCH_SETTINGS.QUEUE_PREFIX.replace(/}$/, '-fanout}');
const STORAGE_DIR = `${BENCH_SETTINGS.STORAGE_DIR}-fanout`;
const METRICS_TOKEN = 'taskdeck-bench-fanout-metrics-token';
const OVERRIDES = { DATABASE_URL, QUEUE_PREFIX, STORAGE_DIR, METRICS_TOKEN };
const START_MS = 90_000;

interface Cluster {
  urls: string[];
  stop(): Promise<void>;
}

async function startCluster(webs: number, workers: number): Promise<Cluster> {
  const processes: BenchProcess[] = [];
  try {
    const webProcs = Array.from({ length: webs }, (_, i) =>
      spawnEntry(`web-${i + 1}`, 'dist/server.mjs', OVERRIDES),
    );
    const workerProcs = Array.from({ length: workers }, (_, i) =>
      spawnEntry(`worker-${i + 1}`, 'dist/worker.mjs', { ...OVERRIDES, LOG_LEVEL: 'info' }),
    );
    processes.push(...webProcs, ...workerProcs);
    // Listening from the start: waitForLine only sees lines printed after it is called.
    const started = workerProcs.map((worker) => worker.waitForLine(/worker started/, START_MS));
    const urls = await Promise.all(
      webProcs.map(async (web) => (await web.waitForLine(/^TASKDECK_URL=(\S+)$/, START_MS))[1]!),
    );
    await Promise.all(started);
    return { urls, stop: async () => void (await Promise.all(processes.map((p) => p.stop()))) };
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
}

async function makeUserKey(): Promise<string> {
  const maker = spawnEntry('key', 'scripts/bench/create-bench-key.ts', OVERRIDES);
  const [, key] = await maker.waitForLine(/^BENCH_KEY=(\S+) /, START_MS);
  await maker.exited;
  if (!key) throw new BenchSetupError('could not create a benchmark API key');
  return key;
}

async function receivedBy(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const match = /^taskdeck_realtime_messages_received_total (\S+)$/m.exec(await response.text());
  return Number(match?.[1] ?? NaN);
}

/** A socket of one user on one node, counting the events it gets and the tasks it saw end. */
async function openSocket(url: string, key: string) {
  const socket = connectSocket(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    auth: { token: key },
  });
  const state = { socket, events: 0, ended: new Set<string>() };
  socket.on('task.created', () => (state.events += 1));
  socket.on('task.updated', (update: TaskUpdate) => {
    state.events += 1;
    if (isTerminalStatus(update.status)) state.ended.add(update.id);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return state;
}

async function postTasks(
  urls: string[],
  keys: string[],
  count: number,
  payload: { steps: number; stepMs: number },
  parallel: number,
): Promise<{ ids: string[]; createMs: number }> {
  const ids: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++;
        const response = await fetch(`${urls[index % urls.length]}/api/v1/tasks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${keys[index % keys.length]}`,
          },
          body: JSON.stringify({ type: 'diagnostics.simulate', payload }),
        });
        if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
        // By index: the user of task i is keys[i % keys.length].
        ids[index] = ((await response.json()) as { id: string }).id;
      }
    }),
  );
  return { ids, createMs: performance.now() - started };
}

/** Counts what is published: the admins' channel carries every task event (log lines too) once. */
async function countPublished(): Promise<{ count(): number; logLines(): number; stop(): void }> {
  const redis = new Redis(BENCH_SETTINGS.REDIS_URL);
  let published = 0;
  let logLines = 0;
  redis.on('message', (_channel: string, raw: string) => {
    published += 1;
    if ((JSON.parse(raw) as BusMessage).kind === 'task.log') logLines += 1;
  });
  await redis.subscribe(`${QUEUE_PREFIX}:events:admins`);
  return { count: () => published, logLines: () => logLines, stop: () => redis.disconnect() };
}

async function waitUntil(done: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Placement = 'disjoint' | 'both';

async function fanout(webs: number, placement: Placement, tasks: number): Promise<void> {
  const cluster = await startCluster(webs, 1);
  try {
    const keys = [await makeUserKey(), await makeUserKey()];
    // Disjoint: user 1 only on node 1, user 2 only on the last node; both: each user everywhere.
    const sockets: Array<{
      user: number;
      url: string;
      state: Awaited<ReturnType<typeof openSocket>>;
    }> = [];
    for (const [u, key] of keys.entries()) {
      const nodes = placement === 'both' ? cluster.urls : [cluster.urls[u % cluster.urls.length]!];
      for (const url of nodes) sockets.push({ user: u, url, state: await openSocket(url, key) });
    }
    const publishedCounter = await countPublished();
    const before = await Promise.all(cluster.urls.map(receivedBy));
    const { ids } = await postTasks(cluster.urls, keys, tasks, { steps: 5, stepMs: 10 }, 8);
    const byUser = keys.map((_, u) => ids.filter((_id, index) => index % keys.length === u));
    await waitUntil(
      () => sockets.every((s) => byUser[s.user]!.every((id) => s.state.ended.has(id))),
      'every socket to see its tasks end',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await Promise.all(cluster.urls.map(receivedBy));
    const published = publishedCounter.count();
    const logLines = publishedCounter.logLines();
    publishedCounter.stop();
    console.log(
      `\n${webs} web node(s), sockets ${placement === 'both' ? 'of both users on every node' : 'of disjoint users per node'}: ${published} events published (${tasks} tasks; ${logLines} of them log lines, which go only to task pages)`,
    );
    for (const [n, url] of cluster.urls.entries()) {
      const received = after[n]! - before[n]!;
      const delivered = sockets
        .filter((s) => s.url === url)
        .reduce((sum, s) => sum + s.state.events, 0);
      console.log(
        `  node ${n + 1}: received ${received} (${((100 * received) / published).toFixed(1)}% of published; before routing: ${published}, 100%), delivered to its sockets ${delivered}`,
      );
    }
    for (const s of sockets) s.state.socket.disconnect();
  } finally {
    await cluster.stop();
  }
}

async function throughput(workers: number, tasks: number): Promise<void> {
  const cluster = await startCluster(2, workers);
  try {
    const keys = [await makeUserKey()];
    const watcher = await openSocket(cluster.urls[0]!, keys[0]!);
    const started = performance.now();
    // Tasks that wait more than they compute (20 sleeps of 100 ms): a worker runs 16 at once
    // (the diagnostics queue's concurrency), so one worker's ceiling is ~8 tasks/s.
    const { ids, createMs } = await postTasks(
      cluster.urls,
      keys,
      tasks,
      { steps: 20, stepMs: 100 },
      16,
    );
    await waitUntil(() => ids.every((id) => watcher.ended.has(id)), 'every task to end');
    const totalMs = performance.now() - started;
    console.log(
      `\n${workers} worker(s), 2 web nodes, ${tasks} tasks of 20×100 ms (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores): create ${((1000 * tasks) / createMs).toFixed(0)} tasks/s, end to end ${((1000 * tasks) / totalMs).toFixed(1)} tasks/s (${(totalMs / 1000).toFixed(1)} s)`,
    );
    watcher.socket.disconnect();
  } finally {
    await cluster.stop();
  }
}

async function reset(): Promise<void> {
  await recreateDatabase(DATABASE_URL);
  await deleteRedisKeys(BENCH_SETTINGS.REDIS_URL, QUEUE_PREFIX);
}

export async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tasks: { type: 'string' }, only: { type: 'string' } },
  });
  const only = values.only;
  if (only && only !== 'fanout' && only !== 'throughput') {
    throw new BenchSetupError('--only takes fanout or throughput');
  }
  const tasks = parseWholeNumber(values.tasks, 200, 10, 5_000);
  assertProductionBuild();
  await reset();
  try {
    if (only !== 'throughput') {
      await fanout(1, 'both', tasks);
      await fanout(2, 'disjoint', tasks);
      await fanout(2, 'both', tasks);
    }
    if (only !== 'fanout') {
      await throughput(1, tasks);
      await throughput(3, tasks);
    }
  } finally {
    await deleteRedisKeys(BENCH_SETTINGS.REDIS_URL, QUEUE_PREFIX);
  }
}

if (isEntryPoint(import.meta.url)) runScript(main);
