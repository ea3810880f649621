import { describe, expect, it } from 'vitest';
import {
  comparePosition,
  formatFeedEventId,
  formatTaskEventId,
  parseFeedEventId,
  parseTaskEventId,
} from '@/lib/realtime/event-stream';
import { createSseStream, formatSseEvent } from '@/server/realtime/sse-stream';

// The SSE body: its wire format, ids both ways, and a consumer that stops reading is dropped
// once the queue passes its bound instead of being buffered for without limit.

const TASK_ID = '0198f6a2-7c1e-7b3a-9d2e-4f5a6b7c8d9e';

describe('event stream ids', () => {
  it('reads back what it writes, and nothing else', () => {
    expect(parseTaskEventId(formatTaskEventId({ revision: 4, seq: 17 }))).toEqual({
      revision: 4,
      seq: 17,
    });
    const feedId = { revision: 3, seq: 0, taskId: TASK_ID, cursorMs: 1_764_000_000_123 };
    expect(formatFeedEventId(feedId)).toBe(`3.0:${TASK_ID}:1764000000123`);
    expect(parseFeedEventId(formatFeedEventId(feedId))).toEqual(feedId);
    for (const bad of ['', '4', '4.', '.1', '4.1.2', '-1.0', '1e3.0', '99999999999.0', 'a.b']) {
      expect(parseTaskEventId(bad), bad).toBeNull();
    }
    for (const bad of [
      '3.0',
      `3.0:${TASK_ID}`,
      `3.0:nope:1`,
      `3.0:${TASK_ID}:`,
      `x:${TASK_ID}:1`,
    ]) {
      expect(parseFeedEventId(bad), bad).toBeNull();
    }
  });

  it('orders positions as the Socket.IO merge does: revision, then seq', () => {
    expect(comparePosition({ revision: 2, seq: 9 }, { revision: 3, seq: 0 })).toBeLessThan(0);
    expect(comparePosition({ revision: 3, seq: 2 }, { revision: 3, seq: 1 })).toBeGreaterThan(0);
    expect(comparePosition({ revision: 3, seq: 1 }, { revision: 3, seq: 1 })).toBe(0);
  });
});

describe('SSE stream', () => {
  it('writes events as event, id and one data line, and omits a missing id', () => {
    expect(formatSseEvent({ event: 'task.updated', id: '2.1', data: { text: 'a\nb' } })).toBe(
      'event: task.updated\nid: 2.1\ndata: {"text":"a\\nb"}\n\n',
    );
    expect(formatSseEvent({ event: 'stream.reset', data: {} })).toBe(
      'event: stream.reset\ndata: {}\n\n',
    );
  });

  it('starts with retry, delivers to a reader, and ends when closed', async () => {
    const stream = createSseStream({ heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024 });
    let ended = 0;
    stream.onClose(() => (ended += 1));
    stream.send({ event: 'task.snapshot', id: '1.0', data: { id: 'x' } });
    stream.close();
    stream.close();
    expect(await new Response(stream.body).text()).toBe(
      'retry: 3000\n\nevent: task.snapshot\nid: 1.0\ndata: {"id":"x"}\n\n',
    );
    expect(ended).toBe(1);
  });

  it('drops a consumer that does not read once the queue passes the bound', async () => {
    const stream = createSseStream({ heartbeatMs: 60_000, maxBufferedBytes: 4 * 1024 });
    let ended = false;
    stream.onClose(() => (ended = true));
    const line = { message: 'x'.repeat(500) };
    let sent = 0;
    while (stream.open && sent < 1_000) {
      stream.send({ event: 'task.log', id: '1.0', data: line });
      sent += 1;
    }
    expect(stream.open).toBe(false);
    expect(ended).toBe(true);
    // About the bound's worth, not the thousand events offered.
    expect(sent).toBeLessThan(20);
    await expect(stream.body.getReader().read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('runs the close callbacks when the reader cancels (the client went away)', async () => {
    const stream = createSseStream({ heartbeatMs: 60_000, maxBufferedBytes: 4 * 1024 });
    let ended = false;
    stream.onClose(() => (ended = true));
    await stream.body.cancel();
    expect(ended).toBe(true);
    expect(stream.open).toBe(false);
    stream.send({ event: 'task.log', id: '1.0', data: {} });
  });
});
