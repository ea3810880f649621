import { getRedis, type RedisClient } from './clients';

// Whether the shared Redis connection is down, known from its events rather than by trying:
// during an outage every command would first wait out a reconnect attempt, and the request
// paths that can do without Redis (a create, an event) must answer at once instead.

const tracked = new WeakMap<RedisClient, { down: boolean }>();

function stateOf(redis: RedisClient): { down: boolean } {
  const known = tracked.get(redis);
  if (known) return known;
  // Still connecting for the first time is not down: the first command simply waits.
  const state = { down: redis.status === 'reconnecting' || redis.status === 'end' };
  redis.on('error', () => (state.down = true));
  redis.on('close', () => (state.down = true));
  redis.on('ready', () => (state.down = false));
  tracked.set(redis, state);
  return state;
}

export function isRedisDown(redis: RedisClient = getRedis()): boolean {
  return stateOf(redis).down && redis.status !== 'ready';
}

/** Starts watching the shared connection, so the first outage is noticed as it begins. */
export function watchRedisHealth(): void {
  stateOf(getRedis());
}
