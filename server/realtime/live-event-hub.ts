import type { BusMessage } from '@/lib/realtime/events';
import { ServiceUnavailableError } from '@/lib/errors';
import { onCloseClients } from '@/server/infra/clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { createChannelSubscriber, type ChannelSubscriber } from './channel-subscriber';
import { audienceChannel, parseBusMessage, type EventAudience } from './event-bus';

// The event streams of this process share one subscription connection: a stream adds a
// listener on its audience's channel here (the first one subscribes it, the last one leaves
// it), not a Redis connection. Pub/sub forgets what it could not deliver, so when that
// connection drops every stream is ended: its client reconnects with Last-Event-ID and the
// replay (read from Postgres) covers what the outage swallowed, instead of the stream silently
// skipping it.

export interface BusListener {
  onMessage(message: BusMessage): void;
  /** The subscription dropped: events may have been lost, so the listener must end. */
  onInterrupted(): void;
}

interface HubState {
  /** Listeners by channel: each listener is on exactly one, so it gets each event once. */
  listeners: Map<string, Set<BusListener>>;
  subscriber: ChannelSubscriber | null;
}

// Route handlers run in Next's bundle of this module and tests in their own: one hub per
// process either way, as the clients are.
const globalForHub = globalThis as { __taskdeckLiveEventHub?: HubState };

function hub(): HubState {
  return (globalForHub.__taskdeckLiveEventHub ??= { listeners: new Map(), subscriber: null });
}

function allListeners(state: HubState): BusListener[] {
  return [...state.listeners.values()].flatMap((set) => [...set]);
}

function startSubscriber(state: HubState): ChannelSubscriber {
  const subscriber = createChannelSubscriber('taskdeck:events', (channel, raw) => {
    const listeners = state.listeners.get(channel);
    if (!listeners || listeners.size === 0) return;
    const message = parseBusMessage(raw);
    if (message) for (const listener of listeners) listener.onMessage(message);
  });
  subscriber.connection.on('close', () => {
    for (const listener of allListeners(state)) listener.onInterrupted();
  });
  onCloseClients(async () => {
    for (const listener of allListeners(state)) listener.onInterrupted();
    state.subscriber = null;
  });
  return subscriber;
}

const unavailable = () =>
  new ServiceUnavailableError('Live events are unavailable right now. Try again shortly.');

/**
 * Adds a listener to every task event the audience may see from now on; returns its removal.
 * Refuses with 503 when the subscription is not live (Redis down), since the stream could not
 * keep its promises.
 */
export async function listenToTaskEvents(
  audience: EventAudience,
  listener: BusListener,
): Promise<() => void> {
  if (isRedisDown()) throw unavailable();
  const state = hub();
  state.subscriber ??= startSubscriber(state);
  const { subscriber } = state;
  const channel = audienceChannel(audience);
  const release = await subscriber.retain(channel);
  if (subscriber.connection.status !== 'ready') {
    release();
    throw unavailable();
  }
  let listeners = state.listeners.get(channel);
  if (!listeners) state.listeners.set(channel, (listeners = new Set()));
  listeners.add(listener);
  return () => {
    const set = state.listeners.get(channel);
    if (!set?.delete(listener)) return;
    if (set.size === 0) state.listeners.delete(channel);
    release();
  };
}

/** Listeners now attached (tests check that closed streams leave none behind). */
export function countTaskEventListeners(): number {
  return allListeners(hub()).length;
}

/** Channels this process's streams are subscribed to (tests check they follow the streams). */
export function listStreamChannels(): string[] {
  return hub().subscriber?.channels() ?? [];
}
