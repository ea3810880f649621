import type { RedisClient } from '@/server/infra/clients';
import type { BusMessage } from '@/lib/realtime/events';
import { getLogger } from '@/lib/logger';
import { createGroupCommit } from '@/lib/group-commit';
import { createRedisConnection, getRedis } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';
import { isRedisDown } from '@/server/infra/redis-health';

// Every task change goes through one Redis pub/sub channel. Each Socket.IO node subscribes
// and delivers to its own sockets, so any number of web nodes and workers can take part.

function eventsChannel(): string {
  return redisKey('events');
}

// Messages published at the same moment leave as one pipeline (one write, one round trip).
// One batch at a time, so they reach Redis, and every subscriber, in the order published.
const publishGrouped = createGroupCommit<string, void>({
  maxBatch: 500,
  maxInFlight: 1,
  write: async (messages) => {
    const pipeline = getRedis().pipeline();
    const channel = eventsChannel();
    for (const message of messages) pipeline.publish(channel, message);
    await pipeline.exec();
    return messages.map(() => undefined);
  },
});

/**
 * Never throws: a lost event is repaired by the next one or by the snapshot a client fetches
 * when it resubscribes. Callers that need ordering await it; hot paths need not (messages keep
 * their order either way).
 */
export async function publishBusMessage(message: BusMessage): Promise<void> {
  // During an outage the event is lost either way; waiting for Redis would hold up the caller.
  if (isRedisDown()) return;
  await publishGrouped(JSON.stringify(message)).catch((error: unknown) =>
    getLogger().warn({ err: error }, 'could not publish task event'),
  );
}

export async function subscribeBusMessages(
  onMessage: (message: BusMessage) => void,
): Promise<RedisClient> {
  const subscriber = createRedisConnection({ connectionName: 'taskdeck:events' });
  const channel = eventsChannel();
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    try {
      onMessage(JSON.parse(raw) as BusMessage);
    } catch (error) {
      getLogger().error({ err: error }, 'dropped a malformed bus message');
    }
  });
  // Not awaited to the end: with Redis down the web server must still start (and report 503
  // on /api/health); ioredis subscribes once it connects and resubscribes after reconnects.
  const subscribed = subscriber.subscribe(channel).catch((error: unknown) => {
    getLogger().error({ err: error }, 'could not subscribe to task events');
  });
  await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  return subscriber;
}
