import type { RedisClient } from '@/server/infra/clients';
import type { BusMessage } from '@/lib/realtime/events';
import { getLogger } from '@/lib/logger';
import { createGroupCommit } from '@/lib/group-commit';
import { ADMIN_ROOM, isAdmin, ownerRoom, type UserPrincipal } from '@/server/auth/principal';
import { getPublisher } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { createChannelSubscriber } from './channel-subscriber';

// Task events are routed by who may see them: one Redis pub/sub channel per owner and one for
// the admins (who see every task). A node subscribes only to the channels of the sockets and
// streams it holds, so an event costs nothing on nodes where nobody may see it. Each event is
// published once on each of its two channels; a socket or stream listens on exactly one of
// them (admins on the admins' channel, everyone else on their own), so nobody gets an event
// twice however the nodes' subscriptions overlap.

/** Who may see an event: the admins, or the one user owning the task. */
export type EventAudience = { kind: 'admins' } | { kind: 'owner'; ownerId: string };

export function audienceOf(principal: UserPrincipal): EventAudience {
  return isAdmin(principal) ? { kind: 'admins' } : { kind: 'owner', ownerId: principal.userId };
}

/** The Socket.IO room of the audience's sockets on a node (every socket is in exactly one). */
export function audienceRoom(audience: EventAudience): string {
  return audience.kind === 'admins' ? ADMIN_ROOM : ownerRoom(audience.ownerId);
}

export function audienceChannel(audience: EventAudience): string {
  return audience.kind === 'admins'
    ? redisKey('events', 'admins')
    : redisKey('events', 'owner', audience.ownerId);
}

// Messages published at the same moment leave as one pipeline (one write, one round trip).
// One batch at a time, so they reach Redis, and every subscriber, in the order published.
const publishGrouped = createGroupCommit<BusMessage, void>({
  maxBatch: 500,
  maxInFlight: 1,
  write: async (messages) => {
    const pipeline = getPublisher().pipeline();
    const admins = audienceChannel({ kind: 'admins' });
    for (const message of messages) {
      const raw = JSON.stringify(message);
      const { ownerId } = message;
      // A task without an owner is the admins' alone.
      if (ownerId) pipeline.publish(audienceChannel({ kind: 'owner', ownerId }), raw);
      pipeline.publish(admins, raw);
    }
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
  await publishGrouped(message).catch((error: unknown) =>
    getLogger().warn({ err: error }, 'could not publish task event'),
  );
}

export function parseBusMessage(raw: string): BusMessage | null {
  try {
    return JSON.parse(raw) as BusMessage;
  } catch (error) {
    getLogger().error({ err: error }, 'dropped a malformed bus message');
    return null;
  }
}

/** Every task event (the admins' channel carries them all): for tools and tests that see all. */
export async function subscribeBusMessages(
  onMessage: (message: BusMessage) => void,
): Promise<RedisClient> {
  const subscriber = createChannelSubscriber('taskdeck:events', (_channel, raw) => {
    const message = parseBusMessage(raw);
    if (message) onMessage(message);
  });
  await subscriber.retain(audienceChannel({ kind: 'admins' }));
  return subscriber.connection;
}
