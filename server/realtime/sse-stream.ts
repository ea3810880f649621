import { EVENT_STREAM_CONTENT_TYPE } from '@/lib/realtime/event-stream';

// One Server-Sent Events response body. Events are queued as bytes in a web ReadableStream that
// the HTTP layer reads only as fast as the client takes them (Next's pipe waits for `drain`), so
// a client that stops reading shows up here as a growing queue: past `maxBufferedBytes` the
// stream is dropped, not buffered without limit. A `: ping` comment every `heartbeatMs` keeps
// proxies from closing an idle stream and tells us soon when the client has gone.

/** What an EventSource client waits before it reconnects (the `retry:` field). */
export const RECONNECT_DELAY_MS = 3_000;

export interface SseEvent {
  event: string;
  /** Omitted: the client keeps the last id it had. */
  id?: string;
  data: unknown;
}

export interface SseStream {
  readonly body: ReadableStream<Uint8Array>;
  /** False once the stream has ended (closed, cancelled by the client, or dropped). */
  readonly open: boolean;
  send(event: SseEvent): void;
  /** Ends the stream after what is queued; runs the close callbacks once. */
  close(): void;
  /** Runs when the stream ends, however it ends. */
  onClose(callback: () => void): void;
}

const encoder = new TextEncoder();

export function formatSseEvent(event: SseEvent): string {
  // JSON escapes line breaks, so the data is one `data:` line; names and ids hold none.
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `event: ${event.event}\n${id}data: ${JSON.stringify(event.data)}\n\n`;
}

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': `${EVENT_STREAM_CONTENT_TYPE}; charset=utf-8`,
  // no-transform: Next's compression (and proxies) leave the stream alone instead of holding
  // bytes back for a deflate block.
  'cache-control': 'no-cache, no-transform',
  // nginx buffers proxied answers unless told not to.
  'x-accel-buffering': 'no',
};

export function createSseStream(options: {
  heartbeatMs: number;
  maxBufferedBytes: number;
}): SseStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const closeCallbacks: Array<() => void> = [];

  const finish = () => {
    if (!open) return false;
    open = false;
    clearInterval(heartbeat);
    for (const callback of closeCallbacks.splice(0)) callback();
    return true;
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      // The client went away (or the HTTP layer gave up on it).
      cancel() {
        finish();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: options.maxBufferedBytes }),
  );

  const enqueue = (text: string) => {
    if (!open) return;
    controller.enqueue(encoder.encode(text));
    if ((controller.desiredSize ?? 0) < 0) {
      // A slow consumer: drop what is queued and the connection, rather than hold more. An
      // AbortError, so the HTTP layer takes it for the hang-up it is and not for a bug.
      finish();
      controller.error(
        new DOMException('The client does not read its event stream.', 'AbortError'),
      );
    }
  };

  const heartbeat = setInterval(() => enqueue(': ping\n\n'), options.heartbeatMs);
  heartbeat.unref();
  enqueue(`retry: ${RECONNECT_DELAY_MS}\n\n`);

  return {
    body,
    get open() {
      return open;
    },
    send(event) {
      enqueue(formatSseEvent(event));
    },
    close() {
      if (finish()) controller.close();
    },
    onClose(callback) {
      if (open) closeCallbacks.push(callback);
      else callback();
    },
  };
}
