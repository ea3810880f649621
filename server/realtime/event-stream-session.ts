import type { BusMessage } from '@/lib/realtime/events';
import { getEnv } from '@/lib/env';
import type { UserPrincipal } from '@/server/auth/principal';
import { audienceOf } from './event-bus';
import { listenToTaskEvents } from './live-event-hub';
import { createSseStream, EVENT_STREAM_HEADERS, type SseStream } from './sse-stream';
import { registerStream } from './stream-registry';

// What both event streams share: a slot under the per-user limit, the credentials watch, and
// the order that leaves no gap between what is read from Postgres and what arrives live. The
// stream listens first, holding what arrives; then it reads (a snapshot, or the replay of what a
// reconnecting client missed) and sends it; then it sends what it held, each event only if it
// is newer than what was already sent for its task (the plan's `deliver` decides), and from
// then on every event as it comes.

/** Events held while the first read runs; past it the stream ends at once (the client comes back). */
const MAX_HELD_EVENTS = 10_000;

export type StreamStart = 'open' | 'done' | 'no-content';

export interface EventStreamPlan<Initial> {
  principal: UserPrincipal;
  headers: Headers;
  /**
   * The request's: aborts when the client goes away. Next pipes an answer only to a response
   * still open, so a client gone before the stream was returned would otherwise leave it open.
   */
  signal?: AbortSignal;
  /** Which bus messages concern this stream (cheap: called for every event of the process). */
  accepts(message: BusMessage): boolean;
  /** Reads what the stream starts with; its errors (404, 503) become the answer. */
  read(): Promise<Initial>;
  /** Sends the start: 'done' ends the stream after it, 'no-content' answers 204 instead. */
  begin(stream: SseStream, initial: Initial): StreamStart;
  /** Sends one live event if it is news to this stream. */
  deliver(stream: SseStream, message: BusMessage): void;
}

export async function openEventStream<Initial>(plan: EventStreamPlan<Initial>): Promise<Response> {
  const env = getEnv();
  let stream: SseStream | null = null;
  let mustEnd = false;
  const held: BusMessage[] = [];
  const end = () => {
    if (stream) stream.close();
    else mustEnd = true;
  };
  const release = registerStream(plan.principal, new Headers(plan.headers), end);
  plan.signal?.addEventListener('abort', end);
  let unlisten: () => void = () => undefined;
  const cleanup = () => {
    plan.signal?.removeEventListener('abort', end);
    unlisten();
    release();
  };
  let initial: Initial;
  try {
    unlisten = await listenToTaskEvents(audienceOf(plan.principal), {
      onMessage(message) {
        if (!plan.accepts(message)) return;
        if (stream) plan.deliver(stream, message);
        else if (held.length < MAX_HELD_EVENTS) held.push(message);
        else mustEnd = true;
      },
      onInterrupted: end,
    });
    initial = await plan.read();
  } catch (error) {
    cleanup();
    throw error;
  }

  const created = createSseStream({
    heartbeatMs: env.SSE_HEARTBEAT_MS,
    maxBufferedBytes: env.SSE_BUFFER_MAX_BYTES,
  });
  created.onClose(cleanup);
  const start = plan.begin(created, initial);
  if (start === 'no-content') {
    created.close();
    // EventSource clients stop reconnecting on 204.
    return new Response(null, { status: 204 });
  }
  for (const message of held.splice(0)) plan.deliver(created, message);
  stream = created;
  if (start === 'done' || mustEnd || plan.signal?.aborted) created.close();
  return new Response(created.body, { status: 200, headers: EVENT_STREAM_HEADERS });
}

/** HEAD gets the answer's status and headers; the stream it opened is closed at once. */
export async function answerHead(request: Request, response: Response): Promise<Response> {
  if (request.method !== 'HEAD') return response;
  await response.body?.cancel();
  return new Response(null, { status: response.status, headers: response.headers });
}
