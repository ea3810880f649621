import type { RedisClient } from '@/server/infra/clients';

// Whether Redis would keep Taskdeck's jobs: across a restart (an append-only file or RDB
// snapshots) and under memory pressure (maxmemory-policy noeviction, so BullMQ's keys are never
// evicted). Managed Redis services often disable CONFIG: INFO tells most of it too.

export interface RedisPersistence {
  /** appendonly yes. */
  aof: boolean | 'unknown';
  /** RDB snapshots configured (a non-empty `save`). */
  rdb: boolean | 'unknown';
  maxmemoryPolicy: string;
  /** 'config' (CONFIG GET) or 'info' (CONFIG refused), or 'unknown' if both were refused. */
  source: 'config' | 'info' | 'unknown';
}

function configValue(reply: unknown): string | null {
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
}

function infoField(info: string, field: string): string | null {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim() ?? null;
}

async function readFromConfig(redis: RedisClient): Promise<RedisPersistence> {
  const [appendonly, save, policy] = await Promise.all([
    redis.config('GET', 'appendonly'),
    redis.config('GET', 'save'),
    redis.config('GET', 'maxmemory-policy'),
  ]);
  const aof = configValue(appendonly);
  const rdb = configValue(save);
  const maxmemoryPolicy = configValue(policy);
  // A renamed or filtered CONFIG answers an empty list rather than an error.
  if (aof === null || rdb === null || maxmemoryPolicy === null) {
    throw new Error('CONFIG GET answered nothing');
  }
  return { aof: aof === 'yes', rdb: rdb.trim() !== '', maxmemoryPolicy, source: 'config' };
}

async function readFromInfo(redis: RedisClient): Promise<RedisPersistence> {
  const [persistence, memory] = await Promise.all([
    redis.info('persistence'),
    redis.info('memory'),
  ]);
  const aof = infoField(persistence, 'aof_enabled');
  return {
    aof: aof === null ? 'unknown' : aof === '1',
    // INFO does not say whether save points are configured, only when the last save ran.
    rdb: 'unknown',
    maxmemoryPolicy: infoField(memory, 'maxmemory_policy') ?? 'unknown',
    source: 'info',
  };
}

export async function readRedisPersistence(redis: RedisClient): Promise<RedisPersistence> {
  try {
    return await readFromConfig(redis);
  } catch {
    try {
      return await readFromInfo(redis);
    } catch {
      return { aof: 'unknown', rdb: 'unknown', maxmemoryPolicy: 'unknown', source: 'unknown' };
    }
  }
}

/** What an operator should fix; none when the facts are unknown (never a guess). */
export function persistenceWarnings(persistence: RedisPersistence): string[] {
  const warnings: string[] = [];
  if (persistence.aof === false && persistence.rdb === false) {
    warnings.push(
      'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart loses ' +
        'every queued job until the reconciler re-adds them from Postgres. Set appendonly yes.',
    );
  }
  const policy = persistence.maxmemoryPolicy;
  if (policy !== 'unknown' && policy !== 'noeviction') {
    warnings.push(
      `Redis's maxmemory-policy is ${policy}: when memory runs short Redis may evict ` +
        'queued jobs. Set maxmemory-policy noeviction.',
    );
  }
  return warnings;
}
