import { EventSource } from 'eventsource';
import { STREAM_EVENTS } from '@/lib/realtime/event-stream';
import { waitFor } from './wait-for';

// The standard `eventsource` client, with the headers an integration sends (an API key, a
// cookie) and, for a first connection that resumes, a Last-Event-ID of its own; it records
// every event it receives.

export interface ReceivedEvent {
  type: string;
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are checked by the tests
  data: any;
}

export interface FollowedStream {
  source: EventSource;
  received: ReceivedEvent[];
  /** The statuses of the responses it got, in order (200, then 204 after the end...). */
  statuses: number[];
  /** Resolves with the received events once `done` says so. */
  until(done: (received: ReceivedEvent[]) => boolean, what: string): Promise<ReceivedEvent[]>;
  /** Resolves when the client gave up for good (closed), with the last error's code. */
  closed(): Promise<number | undefined>;
}

export function followStream(
  url: string,
  headers: Record<string, string>,
  lastEventId?: string,
): FollowedStream {
  const received: ReceivedEvent[] = [];
  const statuses: number[] = [];
  let lastErrorCode: number | undefined;
  const source = new EventSource(url, {
    fetch: async (input, init) => {
      const sent = new Headers(init.headers);
      for (const [name, value] of Object.entries(headers)) sent.set(name, value);
      if (lastEventId && !sent.has('last-event-id')) sent.set('last-event-id', lastEventId);
      const response = await fetch(input, { ...init, headers: sent });
      statuses.push(response.status);
      return response;
    },
  });
  for (const type of Object.values(STREAM_EVENTS)) {
    source.addEventListener(type, (event) => {
      received.push({ type, id: event.lastEventId, data: JSON.parse(event.data as string) });
    });
  }
  source.addEventListener('error', (event) => {
    lastErrorCode = event.code;
  });
  return {
    source,
    received,
    statuses,
    until: (done, what) =>
      waitFor(async () => (done(received) ? received : undefined), what, 20_000),
    closed: async () => {
      await waitFor(
        async () => (source.readyState === EventSource.CLOSED ? true : undefined),
        'the client to give up',
        20_000,
      );
      return lastErrorCode;
    },
  };
}
