import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { groupedRedisKey, queuePrefix, redisKey } from '@/server/queues/queue-clients';

// The key names Taskdeck gives Redis: on one Redis exactly the names it always used (a deploy
// finds its queues where it left them); on a cluster one hash tag per queue and key group.

/** The hash tag Redis Cluster hashes: between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(open + 1, close);
}

beforeEach(() => {
  vi.stubEnv('QUEUE_PREFIX', '{taskdeck}');
  vi.stubEnv('REDIS_CLUSTER_NODES', '');
  resetEnvCache();
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('on one Redis', () => {
  it('keeps every key under the one prefix, as before', () => {
    expect(queuePrefix('reports')).toBe('{taskdeck}');
    expect(redisKey('events')).toBe('{taskdeck}:events');
    expect(redisKey('cancel', 'abc')).toBe('{taskdeck}:cancel:abc');
    expect(groupedRedisKey(['ratelimit', 'api:1.2.3.4'])).toBe('{taskdeck}:ratelimit:api:1.2.3.4');
    expect(groupedRedisKey(['ratelimit', 'backoff', 's'], 'lock')).toBe(
      '{taskdeck}:ratelimit:backoff:s:lock',
    );
  });
});

describe('on a Redis Cluster', () => {
  beforeEach(() => {
    vi.stubEnv('REDIS_CLUSTER_NODES', '127.0.0.1:7000');
    resetEnvCache();
  });

  it('gives each queue a hash tag of its own', () => {
    expect(queuePrefix('reports')).toBe('{taskdeck:reports}');
    expect(hashTag(`${queuePrefix('reports')}:reports:wait`)).toBe('taskdeck:reports');
    expect(hashTag(`${queuePrefix('files')}:files:wait`)).toBe('taskdeck:files');
  });

  it('tags our own keys by group: keys used together share it, others differ', () => {
    expect(redisKey('workers')).toBe('{taskdeck:workers}:workers');
    expect(hashTag(redisKey('workers', 'info'))).toBe(hashTag(redisKey('workers')));
    expect(hashTag(redisKey('cancel', 'a'))).toBe(hashTag(redisKey('cancel', 'b')));
    const lock = groupedRedisKey(['ratelimit', 'backoff', 's'], 'lock');
    expect(hashTag(lock)).toBe(hashTag(groupedRedisKey(['ratelimit', 'backoff', 's'], 'failures')));
    expect(hashTag(lock)).not.toBe(hashTag(groupedRedisKey(['ratelimit', 'backoff', 't'], 'lock')));
  });

  it('keeps a subject with a brace in one slot with its sibling key', () => {
    // The tag then ends at the subject's brace, the same place in both keys.
    const subject = 'a}b@example.com';
    expect(hashTag(groupedRedisKey(['ratelimit', 'backoff', subject], 'lock'))).toBe(
      hashTag(groupedRedisKey(['ratelimit', 'backoff', subject], 'failures')),
    );
  });
});
