import type { RedisClient } from '@/server/infra/clients';
import { getLogger } from '@/lib/logger';
import { createRedisConnection } from '@/server/infra/clients';

// One pub/sub connection whose channels follow demand: the first retain of a channel subscribes,
// the last release unsubscribes. A connection is subscribed to a channel at most once, so each
// message published on it arrives here once, however many sockets or streams retained it.

/** How long a retain waits for Redis to confirm before going on (ioredis subscribes later). */
const SUBSCRIBE_WAIT_MS = 2_000;

export interface ChannelSubscriber {
  readonly connection: RedisClient;
  /** Subscribes the channel if nobody here had it; resolves once Redis confirmed (or gave up waiting). */
  retain(channel: string): Promise<() => void>;
  /** Channels subscribed now (the figures and tests check that releases unsubscribe). */
  channels(): string[];
}

export function createChannelSubscriber(
  connectionName: string,
  onMessage: (channel: string, raw: string) => void,
): ChannelSubscriber {
  const connection = createRedisConnection({ connectionName });
  const counts = new Map<string, number>();
  const subscribing = new Map<string, Promise<unknown>>();
  connection.on('message', (channel: string, raw: string) => {
    if (counts.has(channel)) onMessage(channel, raw);
  });

  function release(channel: string): void {
    const left = (counts.get(channel) ?? 1) - 1;
    if (left > 0) {
      counts.set(channel, left);
      return;
    }
    counts.delete(channel);
    subscribing.delete(channel);
    // Commands on one connection run in order: a retain right after this subscribes again.
    connection.unsubscribe(channel).catch((error: unknown) => {
      getLogger().warn({ err: error, channel }, 'could not unsubscribe from a channel');
    });
  }

  return {
    connection,
    async retain(channel) {
      counts.set(channel, (counts.get(channel) ?? 0) + 1);
      let subscribed = subscribing.get(channel);
      if (!subscribed) {
        // With Redis down the caller must not hang: ioredis subscribes once it connects and
        // resubscribes every retained channel after each reconnect.
        subscribed = connection.subscribe(channel).catch((error: unknown) => {
          getLogger().error({ err: error, channel }, 'could not subscribe to a channel');
        });
        subscribing.set(channel, subscribed);
      }
      await Promise.race([
        subscribed,
        new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref()),
      ]);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(channel);
      };
    },
    channels: () => [...counts.keys()],
  };
}
