import { Worker } from 'bullmq';
import { resetEnvCache } from '@/lib/env';
import { closeClients, createRedisConnection, getRedis } from '@/server/infra/clients';
import { getQueue, queuePrefix, redisKey } from '@/server/queues/queue-clients';
import { listQueueNames } from '@/server/tasks/registry';
import { createPrivateRedis, VOLATILE_REDIS_FLAGS } from '@/tests/support/private-redis';
import {
  keysPerMaster,
  startPrivateRedisCluster,
  type PrivateRedisCluster,
} from '@/tests/support/private-redis-cluster';
import { BENCH_SETTINGS } from './bench-settings';
import { BenchSetupError, isEntryPoint, parseWholeNumber, runScript } from './bench-script';

// Taskdeck's Redis traffic on one Redis (the baseline) and on a Redis Cluster of 3 masters, both
// private servers this script starts and stops (nothing kept on disk), with the app's own
// client factory and key names: BullMQ adds and end-to-end jobs/s over every queue, events
// through pub/sub, and where the keys landed on the cluster. Both run on this one machine, so
// the cluster shows its cost (routing, more connections), not the capacity it adds with more
// machines. `npm run bench:cluster -- [jobs] [events]`.

const WORKER_CONCURRENCY = 8;
const ADD_BATCH = 100;
const PUBLISH_BATCH = 500;
const PHASE_DEADLINE_MS = 120_000;
const CLOSE_GRACE_MS = 10_000;

/** A phase that stalls names itself and lets main stop the servers, instead of hanging. */
async function phase<T>(label: string, work: Promise<T>, progress: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BenchSetupError(`${label} stalled (${progress()})`)),
      PHASE_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Figures {
  addsPerSecond: number;
  jobsPerSecond: number;
  eventsPerSecond: number;
}

function pointAtRedis(settings: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string }): void {
  process.env.QUEUE_PREFIX = BENCH_SETTINGS.QUEUE_PREFIX;
  process.env.LOG_LEVEL = 'warn';
  process.env.REDIS_URL = settings.REDIS_URL ?? BENCH_SETTINGS.REDIS_URL;
  if (settings.REDIS_CLUSTER_NODES) process.env.REDIS_CLUSTER_NODES = settings.REDIS_CLUSTER_NODES;
  else delete process.env.REDIS_CLUSTER_NODES;
  resetEnvCache();
}

async function addJobs(queues: string[], jobs: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    queues.map(async (name, index) => {
      const mine = Math.floor(jobs / queues.length) + (index < jobs % queues.length ? 1 : 0);
      for (let done = 0; done < mine; done += ADD_BATCH) {
        const count = Math.min(ADD_BATCH, mine - done);
        await getQueue(name).addBulk(
          Array.from({ length: count }, (_, i) => ({
            name: 'bench',
            data: { n: done + i },
            opts: { removeOnComplete: true },
          })),
        );
      }
    }),
  );
  return performance.now() - started;
}

async function processJobs(queues: string[], jobs: number): Promise<number> {
  let processed = 0;
  let resolveAll = () => undefined as void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const started = performance.now();
  const workers = queues.map(
    (name) =>
      new Worker(
        name,
        async () => {
          processed += 1;
          if (processed === jobs) resolveAll();
        },
        {
          connection: createRedisConnection({ connectionName: `bench:${name}` }),
          prefix: queuePrefix(name),
          concurrency: WORKER_CONCURRENCY,
        },
      ),
  );
  const errors: string[] = [];
  for (const worker of workers) worker.on('error', (error) => errors.push(error.message));
  await phase('processing', all, () => `${processed} of ${jobs} processed`);
  const elapsed = performance.now() - started;
  // As the worker process stops (worker/task-worker.ts): a close that hangs is forced.
  const closed = Promise.all(workers.map((worker) => worker.close()));
  const late = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), CLOSE_GRACE_MS)),
  ]);
  if (late) {
    console.log(`  a worker did not close within ${CLOSE_GRACE_MS} ms: forced`);
    await phase(
      'force-closing the workers',
      Promise.all(workers.map((worker) => worker.close(true))),
      () => errors.join('; '),
    );
  }
  if (errors.length > 0) console.log(`  worker errors: ${[...new Set(errors)].join('; ')}`);
  return elapsed;
}

async function publishEvents(events: number): Promise<number> {
  const channel = redisKey('events');
  const subscriber = createRedisConnection({ connectionName: 'bench:events' });
  let received = 0;
  let resolveAll = () => undefined as void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  subscriber.on('message', () => {
    received += 1;
    if (received === events) resolveAll();
  });
  await subscriber.subscribe(channel);
  const message = JSON.stringify({ kind: 'task.updated', update: { id: 'x', progress: 50 } });
  const started = performance.now();
  for (let sent = 0; sent < events; sent += PUBLISH_BATCH) {
    const pipeline = getRedis().pipeline();
    for (let i = 0; i < Math.min(PUBLISH_BATCH, events - sent); i += 1) {
      pipeline.publish(channel, message);
    }
    await pipeline.exec();
  }
  await phase('events', all, () => `${received} of ${events} received`);
  return performance.now() - started;
}

async function measure(
  label: string,
  jobs: number,
  events: number,
  cluster?: PrivateRedisCluster,
): Promise<Figures> {
  const queues = listQueueNames();
  const addMs = await addJobs(queues, jobs);
  if (cluster) await printKeyDistribution(cluster);
  const jobMs = await processJobs(queues, jobs);
  const eventMs = await publishEvents(events);
  await closeClients();
  const figures = {
    addsPerSecond: (jobs / addMs) * 1000,
    jobsPerSecond: (jobs / jobMs) * 1000,
    eventsPerSecond: (events / eventMs) * 1000,
  };
  console.log(
    `${label.padEnd(14)} adds ${figures.addsPerSecond.toFixed(0).padStart(6)}/s   ` +
      `jobs end to end ${figures.jobsPerSecond.toFixed(0).padStart(6)}/s   ` +
      `events ${figures.eventsPerSecond.toFixed(0).padStart(7)}/s`,
  );
  return figures;
}

async function printKeyDistribution(cluster: PrivateRedisCluster): Promise<void> {
  const byMaster = await keysPerMaster(cluster.nodes, BENCH_SETTINGS.QUEUE_PREFIX);
  console.log('keys per master after the adds (cluster):');
  for (const [master, keys] of byMaster) {
    const queues = new Set(keys.map((key) => /^\{[^:}]+:([^}]+)\}/.exec(key)?.[1] ?? '?'));
    console.log(
      `  ${master}  ${String(keys.length).padStart(6)} keys  ${[...queues].sort().join(', ')}`,
    );
  }
}

async function main(): Promise<void> {
  const jobs = parseWholeNumber(process.argv[2], 5_000, 100, 1_000_000);
  const events = parseWholeNumber(process.argv[3], 20_000, 500, 10_000_000);
  console.log(
    `${jobs} jobs over ${listQueueNames().length} queues (concurrency ${WORKER_CONCURRENCY} each), ` +
      `${events} events, one process`,
  );
  const single = await createPrivateRedis(VOLATILE_REDIS_FLAGS);
  const cluster = await startPrivateRedisCluster();
  try {
    pointAtRedis({ REDIS_URL: single.url });
    const baseline = await measure('one Redis', jobs, events);
    pointAtRedis({ REDIS_CLUSTER_NODES: cluster.nodes });
    const clustered = await measure('cluster of 3', jobs, events, cluster);
    const ratio = (key: keyof Figures) => (clustered[key] / baseline[key]).toFixed(2);
    console.log(
      `cluster / one Redis: adds ${ratio('addsPerSecond')}x, jobs ${ratio('jobsPerSecond')}x, ` +
        `events ${ratio('eventsPerSecond')}x`,
    );
  } finally {
    await closeClients();
    await single.destroy();
    await cluster.stop();
  }
}

if (isEntryPoint(import.meta.url)) runScript(main);
