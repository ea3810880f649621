import type { RedisClient } from '@/server/infra/clients';
import type { BusMessage } from '@/lib/realtime/events';
import { ServiceUnavailableError } from '@/lib/errors';
import { onCloseClients } from '@/server/infra/clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { subscribeBusMessages } from './event-bus';

// The event streams of this process share one subscription to the task event channel: a
// stream adds a listener here, not a Redis connection. Pub/sub forgets what it could not
// deliver, so when that subscription drops every stream is ended: its client reconnects with
// Last-Event-ID and the replay (read from Postgres) covers what the outage swallowed, instead of
// the stream silently skipping it.

export interface BusListener {
  onMessage(message: BusMessage): void;
  /** The subscription dropped: events may have been lost, so the listener must end. */
  onInterrupted(): void;
}

interface HubState {
  listeners: Set<BusListener>;
  subscriber: Promise<RedisClient> | null;
}

// Route handlers run in Next's bundle of this module and tests in their own: one hub per
// process either way, as the clients are.
const globalForHub = globalThis as { __taskdeckLiveEventHub?: HubState };

function hub(): HubState {
  return (globalForHub.__taskdeckLiveEventHub ??= { listeners: new Set(), subscriber: null });
}

function startSubscriber(state: HubState): Promise<RedisClient> {
  const subscriber = subscribeBusMessages((message) => {
    for (const listener of state.listeners) listener.onMessage(message);
  }).then((connection) => {
    connection.on('close', () => {
      for (const listener of [...state.listeners]) listener.onInterrupted();
    });
    return connection;
  });
  onCloseClients(async () => {
    for (const listener of [...state.listeners]) listener.onInterrupted();
    state.subscriber = null;
  });
  return subscriber;
}

const unavailable = () =>
  new ServiceUnavailableError('Live events are unavailable right now. Try again shortly.');

/**
 * Adds a listener to every task event from now on; returns its removal. Refuses with 503 when
 * the subscription is not live (Redis down), since the stream could not keep its promises.
 */
export async function listenToTaskEvents(listener: BusListener): Promise<() => void> {
  if (isRedisDown()) throw unavailable();
  const state = hub();
  state.subscriber ??= startSubscriber(state);
  const subscriber = await state.subscriber;
  if (subscriber.status !== 'ready') throw unavailable();
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** Listeners now attached (tests check that closed streams leave none behind). */
export function countTaskEventListeners(): number {
  return hub().listeners.size;
}
