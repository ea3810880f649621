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
    queue = new Queue(name, { connection: getRedis(), prefix: getEnv().QUEUE_PREFIX });
    queues.set(name, queue);
  }
  return queue;
}

/** Redis keys of our own (events channel, worker heartbeats) share the queues' prefix. */
export function redisKey(...parts: string[]): string {
  return [getEnv().QUEUE_PREFIX, ...parts].join(':');
}
