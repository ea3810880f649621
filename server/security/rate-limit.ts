import { RateLimitedError } from '@/lib/errors';
import { getRedis } from '@/server/infra/clients';
import { redisKey } from '@/server/infra/queues';

// Fixed-window counters in Redis, so a limit holds across every web node.

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/** Counts one hit on the bucket; throws RateLimitedError once the bucket is over its limit. */
export async function consumeRateLimit(bucket: string, limit: RateLimit): Promise<void> {
  const key = redisKey('ratelimit', bucket);
  const results = await getRedis()
    .multi()
    .set(key, 0, 'EX', limit.windowSeconds, 'NX')
    .incr(key)
    .ttl(key)
    .exec();
  const count = Number(results?.[1]?.[1] ?? 0);
  const ttl = Number(results?.[2]?.[1] ?? limit.windowSeconds);
  if (count > limit.max) throw new RateLimitedError(Math.max(1, ttl), count === limit.max + 1);
}

/** Throws RateLimitedError if the bucket is already over its limit, without counting a hit. */
export async function assertUnderRateLimit(bucket: string, limit: RateLimit): Promise<void> {
  const key = redisKey('ratelimit', bucket);
  const [count, ttl] = await Promise.all([getRedis().get(key), getRedis().ttl(key)]);
  if (Number(count ?? 0) >= limit.max) throw new RateLimitedError(Math.max(1, ttl));
}
