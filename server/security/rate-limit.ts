import { RateLimitedError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import { getRedis } from '@/server/infra/clients';
import { isInfrastructureError } from '@/server/infra/infra-errors';
import { groupedRedisKey } from '@/server/queues/queue-clients';
import { isRedisDown } from '@/server/infra/redis-health';

// Fixed-window counters in Redis, so a limit holds across every web node. They guard against
// brute force, best effort: while Redis is down requests go through uncounted (API keys and
// sign-in keep working on Postgres alone) rather than every request failing.

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

let unavailableSince: number | null = null;

function noteUnavailable(bucket: string, reason: unknown): null {
  if (unavailableSince === null) {
    unavailableSince = Date.now();
    getLogger().warn(
      { err: reason, bucket },
      'Redis is unavailable: rate limits are not counted until it is back',
    );
  }
  return null;
}

/** Runs a counter command; null when Redis is unavailable (logged once per outage). */
export async function bestEffort<T>(bucket: string, command: () => Promise<T>): Promise<T | null> {
  // Known down: a command would first wait out a reconnect attempt. Skip it at once.
  if (isRedisDown()) return noteUnavailable(bucket, 'the Redis connection is down');
  try {
    const result = await command();
    if (unavailableSince !== null) {
      getLogger().info({ bucket }, 'rate limits are counted again');
      unavailableSince = null;
    }
    return result;
  } catch (error) {
    if (!isInfrastructureError(error)) throw error;
    return noteUnavailable(bucket, error);
  }
}

/** Counts one hit on the bucket; throws RateLimitedError once the bucket is over its limit. */
export async function consumeRateLimit(bucket: string, limit: RateLimit): Promise<void> {
  const key = groupedRedisKey(['ratelimit', bucket]);
  const results = await bestEffort(bucket, () =>
    getRedis().multi().set(key, 0, 'EX', limit.windowSeconds, 'NX').incr(key).ttl(key).exec(),
  );
  if (!results) return;
  const count = Number(results[1]?.[1] ?? 0);
  const ttl = Number(results[2]?.[1] ?? limit.windowSeconds);
  if (count > limit.max) throw new RateLimitedError(Math.max(1, ttl), count === limit.max + 1);
}

/** Throws RateLimitedError if the bucket is already over its limit, without counting a hit. */
export async function assertUnderRateLimit(bucket: string, limit: RateLimit): Promise<void> {
  const key = groupedRedisKey(['ratelimit', bucket]);
  const counted = await bestEffort(bucket, () =>
    Promise.all([getRedis().get(key), getRedis().ttl(key)]),
  );
  if (!counted) return;
  const [count, ttl] = counted;
  if (Number(count ?? 0) >= limit.max) throw new RateLimitedError(Math.max(1, ttl));
}
