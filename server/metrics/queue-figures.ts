import { getEnv } from '@/lib/env';
import { getRedis } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { listLiveWorkers } from '@/server/workers/worker-presence';

// Per queue: jobs waiting, how long the oldest of them has waited, and the live workers that
// serve it. Read from Redis at scrape time in a fixed number of round trips whatever the
// backlog: a million waiting jobs cost what ten do.

export interface QueueFigures {
  queue: string;
  waiting: number;
  /** 0 when nothing waits. */
  oldestWaitingSeconds: number;
  liveWorkers: number;
}

// BullMQ keeps a prioritized job in one sorted set scored priority * 2^32 + a counter that
// grows with every job added (bullmq commands/includes/getPriorityScore.lua); every job of ours
// has a priority. So the first member of each priority's score range is the one that has
// waited longest at that priority, and the oldest waiting job is the oldest of those few.
const LEVEL = 0x100000000;
/** More priority levels than we use (urgent, high, normal, low), as a bound on round trips. */
const MAX_LEVELS = 8;

async function headsOfLevels(key: string): Promise<string[]> {
  const redis = getRedis();
  const heads: string[] = [];
  let from = 0;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const [id, score] = await redis.zrangebyscore(key, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    if (id === undefined || score === undefined) break;
    heads.push(id);
    from = (Math.floor(Number(score) / LEVEL) + 1) * LEVEL;
  }
  return heads;
}

/**
 * When a waiting job became ready: added (timestamp) plus its delay; a job that ran before (a
 * retry the runner moved to delayed, one handed back by a stopping worker) from its last start
 * (processedOn) instead, a little early: BullMQ keeps no time for its return.
 */
function readySince(fields: Array<string | null>): number | null {
  const [timestamp, processedOn, delay] = fields.map((field) => (field ? Number(field) : 0));
  const since = Math.max(timestamp ?? 0, processedOn ?? 0);
  return since > 0 ? since + (delay ?? 0) : null;
}

async function readQueue(name: string, now: number): Promise<Omit<QueueFigures, 'liveWorkers'>> {
  const queue = getQueue(name);
  const redis = getRedis();
  const prioritizedKey = queue.toKey('prioritized');
  const waitKey = queue.toKey('wait');
  const [counts, heads] = await Promise.all([
    redis.multi().llen(waitKey).zcard(prioritizedKey).lindex(waitKey, -1).exec(),
    headsOfLevels(prioritizedKey),
  ]);
  const [listed, prioritized, oldestListed] = (counts ?? []).map(([, value]) => value);
  const ids = [...heads, ...(typeof oldestListed === 'string' ? [oldestListed] : [])];
  let oldest = Infinity;
  if (ids.length > 0) {
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hmget(queue.toKey(id), 'timestamp', 'processedOn', 'delay');
    for (const [, fields] of (await pipeline.exec()) ?? []) {
      const since = readySince((fields as Array<string | null> | null) ?? []);
      if (since !== null) oldest = Math.min(oldest, since);
    }
  }
  return {
    queue: name,
    waiting: Number(listed ?? 0) + Number(prioritized ?? 0),
    oldestWaitingSeconds: Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0,
  };
}

/** `now` (ms) is what the oldest job's age is measured to: the alert tests pass a clock. */
export async function readQueueFigures(
  names: readonly string[],
  now: number = Date.now(),
): Promise<QueueFigures[]> {
  const [queues, workers] = await Promise.all([
    Promise.all(names.map((name) => readQueue(name, now))),
    listLiveWorkers(getEnv().WORKER_HEARTBEAT_MS),
  ]);
  return queues.map((figures) => ({
    ...figures,
    liveWorkers: workers.filter((worker) => worker.queues.includes(figures.queue)).length,
  }));
}
