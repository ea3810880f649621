import {
  comparePosition,
  formatFeedEventId,
  parseFeedEventId,
  STREAM_EVENTS,
  type FeedEventId,
  type StreamPosition,
  type StreamReset,
} from '@/lib/realtime/event-stream';
import type { BusMessage } from '@/lib/realtime/events';
import { getEnv } from '@/lib/env';
import { canSeeTask, requireUser, type Principal } from '@/server/auth/principal';
import { toTaskView } from '@/server/tasks/task-mapper';
import { readFeedReplay, type FeedReplay } from '@/server/tasks/task-replay';
import { openEventStream } from './event-stream-session';
import type { SseStream } from './sse-stream';

// GET /api/v1/events: every task the caller may see (admins: all; users: their own), as the
// dashboard's socket gets them (task.created, task.updated). One `<revision>.<seq>` cannot say
// where a stream of many tasks stood, so each id is `<revision>.<seq>:<taskId>:<cursor>`: the
// event's own task and position, and a cursor (this node's clock when it was sent). A reconnect
// gets snapshots of every unfinished task and of every task created or changed in status since
// the cursor (less FEED_REPLAY_OVERLAP_MS), at most SSE_REPLAY_MAX_TASKS of them; past that, a
// stream.reset first, then the most recently changed ones. Per task, ids only grow.

/** Tasks whose last position the stream remembers to drop stale events; the oldest go first. */
const MAX_REMEMBERED_TASKS = 10_000;

class Positions {
  private readonly byTask = new Map<string, StreamPosition>();

  /** Records the position and says whether it is news (newer than what was sent for the task). */
  advance(taskId: string, position: StreamPosition): boolean {
    const known = this.byTask.get(taskId);
    if (known && comparePosition(position, known) <= 0) return false;
    this.byTask.delete(taskId);
    this.byTask.set(taskId, { revision: position.revision, seq: position.seq });
    if (this.byTask.size > MAX_REMEMBERED_TASKS) {
      this.byTask.delete(this.byTask.keys().next().value!);
    }
    return true;
  }
}

function beginFeed(
  stream: SseStream,
  { tasks, overflow }: FeedReplay,
  since: FeedEventId | null,
  cursorMs: number,
  positions: Positions,
): 'open' {
  if (since) positions.advance(since.taskId, since);
  if (overflow) {
    const reset: StreamReset = { reason: 'too_many_changes', replayed: tasks.length };
    // Without an id: a reconnect right after it starts from the same place.
    stream.send({ event: STREAM_EVENTS.streamReset, data: reset });
  }
  for (const task of tasks) {
    const view = toTaskView(task);
    if (!positions.advance(view.id, view)) continue;
    const id = formatFeedEventId({ ...view, taskId: view.id, cursorMs });
    stream.send({ event: STREAM_EVENTS.taskSnapshot, id, data: view });
  }
  return 'open';
}

function deliverToFeed(stream: SseStream, message: BusMessage, positions: Positions): void {
  const cursorMs = Date.now();
  if (message.kind === 'task.created') {
    const { task } = message;
    if (!positions.advance(task.id, task)) return;
    const id = formatFeedEventId({ ...task, taskId: task.id, cursorMs });
    stream.send({ event: STREAM_EVENTS.taskCreated, id, data: task });
  } else if (message.kind === 'task.updated') {
    const { update } = message;
    if (!positions.advance(update.id, update)) return;
    const id = formatFeedEventId({ ...update, taskId: update.id, cursorMs });
    stream.send({ event: STREAM_EVENTS.taskUpdated, id, data: update });
  }
}

export async function openTaskFeedStream(
  principal: Principal,
  headers: Headers,
  signal?: AbortSignal,
): Promise<Response> {
  const user = requireUser(principal);
  const since = parseFeedEventId(headers.get('last-event-id'));
  // Snapshots sent at the start carry the cursor they were read from, so a reconnect in the
  // middle of them reads the same range again.
  const cursorMs = since?.cursorMs ?? Date.now();
  const positions = new Positions();
  return openEventStream<FeedReplay>({
    principal: user,
    headers,
    signal,
    accepts: (message) =>
      message.kind !== 'task.log' && canSeeTask(user, { ownerId: message.ownerId }),
    read: () => readFeedReplay(user, since?.cursorMs ?? null, getEnv().SSE_REPLAY_MAX_TASKS),
    begin: (stream, replay) => beginFeed(stream, replay, since, cursorMs, positions),
    deliver: (stream, message) => deliverToFeed(stream, message, positions),
  });
}
