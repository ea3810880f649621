import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STREAM_EVENTS } from '@/lib/realtime/event-stream';
import type { TaskView } from '@/lib/tasks/task-view';
import { followStream, type FollowedStream } from '../support/event-stream-client';
import { createTestApiKey, createTestUser } from '../support/users';

// The one-task event stream through the production build (Next's route handler behind the
// real web process, a real worker): events arrive while the task runs, not held back until the
// answer ends (Next's compression, the custom server), and the stream ends with the task.

const baseUrl = inject('baseUrl');
let apiKey: string;
let stream: FollowedStream | undefined;

beforeAll(async () => {
  apiKey = await createTestApiKey(await createTestUser('user', 'sse'));
});

afterAll(() => stream?.source.close());

async function readTask(id: string): Promise<TaskView> {
  const response = await fetch(`${baseUrl}/api/v1/tasks/${id}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  return (await response.json()) as TaskView;
}

describe('GET /api/v1/tasks/{id}/events in production', () => {
  it('delivers progress while the task runs, uncompressed, and ends with it', async () => {
    const created = await fetch(`${baseUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'diagnostics.simulate', payload: { steps: 30, stepMs: 100 } }),
    });
    const task = (await created.json()) as TaskView;
    for (const method of ['HEAD', 'GET']) {
      const answer = await fetch(`${baseUrl}/api/v1/tasks/${task.id}/events`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, 'accept-encoding': 'gzip, br' },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
      // no-transform: Next's compression leaves the stream alone.
      expect(answer.headers.get('content-encoding')).toBeNull();
      await answer.body?.cancel();
    }

    stream = followStream(`${baseUrl}/api/v1/tasks/${task.id}/events`, {
      authorization: `Bearer ${apiKey}`,
    });
    await stream.until(
      (events) => events.some((event) => event.data.status === 'running' && event.data.seq > 0),
      'a progress event',
    );
    // Had anything held the answer back, the first progress would come with the end.
    expect((await readTask(task.id)).status).toBe('running');
    const all = await stream.until(
      (events) => events.some((event) => event.data.status === 'succeeded'),
      'the end',
    );
    expect(all[0]!.type).toBe(STREAM_EVENTS.taskSnapshot);
    expect(await stream.closed()).toBe(204);
  }, 60_000);
});
