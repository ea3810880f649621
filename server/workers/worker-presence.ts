import { hostname } from 'node:os';
import { getRedis } from '@/server/infra/clients';
import type { WorkerView } from '@/lib/admin/admin-overview';
import { redisKey } from '@/server/queues/queue-clients';

// Workers announce themselves in a sorted set scored by their last heartbeat, with details in
// a hash. A worker that stops beating drops out of the count after STALE_AFTER_BEATS beats.

const STALE_AFTER_BEATS = 3;

/** What a worker announces: who it is, what it serves, and the tasks it is running. */
export type WorkerInfo = WorkerView;

export async function recordWorkerHeartbeat(info: Omit<WorkerInfo, 'lastBeatAt'>): Promise<void> {
  const now = Date.now();
  const full: WorkerInfo = { ...info, lastBeatAt: new Date(now).toISOString() };
  await getRedis()
    .multi()
    .zadd(redisKey('workers'), now, info.id)
    .hset(redisKey('workers', 'info'), info.id, JSON.stringify(full))
    .exec();
}

export async function removeWorker(id: string): Promise<void> {
  await getRedis()
    .multi()
    .zrem(redisKey('workers'), id)
    .hdel(redisKey('workers', 'info'), id)
    .exec();
}

function readWorkerInfo(value: string): WorkerInfo {
  const info = JSON.parse(value) as Omit<WorkerInfo, 'currentJobs'> & Partial<WorkerInfo>;
  // A worker of an older version announces no current jobs.
  return { ...info, currentJobs: info.currentJobs ?? [] };
}

export async function listLiveWorkers(heartbeatMs: number): Promise<WorkerInfo[]> {
  const redis = getRedis();
  const cutoff = Date.now() - heartbeatMs * STALE_AFTER_BEATS;
  // Forget the long dead so the set does not grow forever.
  const dead = await redis.zrangebyscore(redisKey('workers'), 0, cutoff);
  if (dead.length > 0) {
    await redis
      .multi()
      .zrem(redisKey('workers'), ...dead)
      .hdel(redisKey('workers', 'info'), ...dead)
      .exec();
  }
  const ids = await redis.zrangebyscore(redisKey('workers'), cutoff, '+inf');
  if (ids.length === 0) return [];
  const raw = await redis.hmget(redisKey('workers', 'info'), ...ids);
  return raw.flatMap((value) => (value ? [readWorkerInfo(value)] : []));
}

export function describeThisHost(): { hostname: string; pid: number } {
  return { hostname: hostname(), pid: process.pid };
}
