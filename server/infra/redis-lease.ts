import { randomUUID } from 'node:crypto';
import { getRedis } from '@/server/infra/clients';

// A duty that one process of the cluster does at a time (the admin overview's snapshots): a
// Redis key naming its holder, taken with SET NX PX and renewed while the holder is alive. A
// holder that dies stops renewing, and the key's expiry hands the duty to the next taker.

const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisLease {
  /** Takes the lease if free, renews it if ours; true while we hold it. */
  tryHold(): Promise<boolean>;
  /** Gives it up at once (if ours), so another process need not wait for the expiry. */
  release(): Promise<void>;
}

export function createRedisLease(key: string, ttlMs: number): RedisLease {
  const holder = randomUUID();
  return {
    async tryHold() {
      const held = await getRedis().eval(HOLD, 1, key, holder, String(ttlMs));
      return held === 1;
    },
    async release() {
      await getRedis().eval(RELEASE, 1, key, holder);
    },
  };
}
