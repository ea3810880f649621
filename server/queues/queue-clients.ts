import { Queue } from 'bullmq';
import { getEnv } from '@/lib/env';
import { getRedis, onCloseClients } from '@/server/infra/clients';

const globalForQueues = globalThis as { __taskdeckQueues?: Map<string, Queue> };

/** The producer side of a named queue, one instance per process. */
export function getQueue(name: string): Queue {
  if (!globalForQueues.__taskdeckQueues) {
    const queues = new Map<string, Queue>();
    globalForQueues.__taskdeckQueues = queues;
    onCloseClients(async () => {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
      globalForQueues.__taskdeckQueues = undefined;
    });
  }
  const queues = globalForQueues.__taskdeckQueues;
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: getRedis(), prefix: queuePrefix(name) });
    queues.set(name, queue);
  }
  return queue;
}

// Hash tags. A Redis Cluster stores a key in the slot of its tag (the text between its first
// `{` and the next `}`), and a command or MULTI may only touch keys of one slot. On one Redis,
// every key carries QUEUE_PREFIX's tag, as it always did. On a cluster, each queue and each
// group of our own keys gets a tag of its own, `{taskdeck:<group>}`, so they spread over the
// masters while keys used together (one queue's, one rate limit's) stay in one slot.

function tagFor(group: readonly string[]): string {
  const env = getEnv();
  if (!env.REDIS_CLUSTER_NODES) return env.QUEUE_PREFIX;
  return `${env.QUEUE_PREFIX.slice(0, -1)}:${group.join(':')}}`;
}

/** The BullMQ prefix of a queue: its keys are `<prefix>:<name>:…`, all in one slot. */
export function queuePrefix(name: string): string {
  return tagFor([name]);
}

/**
 * A key of our own whose `group` parts choose its slot on a cluster: keys read or written by
 * one command share their group (the worker set and its info hash; every cancel key, read
 * with one MGET), and unrelated ones differ (one group per rate-limit bucket).
 */
export function groupedRedisKey(group: readonly string[], ...rest: string[]): string {
  return [tagFor(group), ...group, ...rest].join(':');
}

/** A key or channel of our own, grouped by its first part (see groupedRedisKey). */
export function redisKey(first: string, ...rest: string[]): string {
  return groupedRedisKey([first], ...rest);
}
