import {
  comparePosition,
  formatTaskEventId,
  parseTaskEventId,
  STREAM_EVENTS,
  type StreamPosition,
} from '@/lib/realtime/event-stream';
import { nowMs, type TaskUpdate } from '@/lib/realtime/events';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import type { TaskTransition } from '@/lib/generated/prisma/client';
import { requireUser, type Principal } from '@/server/auth/principal';
import { toTaskUpdate, toTaskView } from '@/server/tasks/task-mapper';
import { readTaskReplay, type TaskReplay } from '@/server/tasks/task-replay';
import { openEventStream } from './event-stream-session';
import type { SseStream } from './sse-stream';

// GET /api/v1/tasks/{id}/events: one task, from a snapshot (or from where a reconnecting client
// left off) to its terminal status, after which the server closes the stream and answers a
// reconnect from there with 204. Every event's id is `<revision>.<seq>` and ids only grow: an
// event at or before what the stream already sent is never sent (the order of
// lib/realtime/merge-task-update.ts), so a Last-Event-ID is an exact position.

/** A status change from the timeline, as the update it was (progress: that of its attempt so far). */
function transitionUpdate(taskId: string, transition: TaskTransition): TaskUpdate {
  return {
    id: taskId,
    attempt: transition.attempt,
    revision: transition.revision,
    seq: 0,
    status: transition.toStatus,
    // The timeline keeps no progress; 0 leaves what a client shows within the attempt alone
    // (progress only moves forward in an attempt) and starts a new attempt at 0, as it did.
    progress: 0,
    progressMessage: null,
    emittedAt: nowMs(),
  };
}

function beginTaskStream(
  stream: SseStream,
  { task, transitions }: TaskReplay,
  since: StreamPosition | null,
  sent: { position: StreamPosition },
): 'open' | 'done' | 'no-content' {
  const terminal = isTerminalStatus(task.status);
  if (!since) {
    const view = toTaskView(task);
    stream.send({ event: STREAM_EVENTS.taskSnapshot, id: formatTaskEventId(view), data: view });
    sent.position = view;
    return terminal ? 'done' : 'open';
  }
  sent.position = since;
  // Nothing newer than the client's position: after the end there is nothing more to come.
  if (comparePosition(task, since) <= 0) return terminal ? 'no-content' : 'open';
  for (const transition of transitions) {
    const update = transitionUpdate(task.id, transition);
    stream.send({ event: STREAM_EVENTS.taskUpdated, id: formatTaskEventId(update), data: update });
  }
  // The current state whole, where progress within the revision is collapsed to its newest.
  const current: TaskUpdate = { ...toTaskUpdate(task), emittedAt: nowMs() };
  stream.send({ event: STREAM_EVENTS.taskUpdated, id: formatTaskEventId(current), data: current });
  sent.position = current;
  return terminal ? 'done' : 'open';
}

export async function openTaskEventStream(
  principal: Principal,
  taskId: string,
  headers: Headers,
  signal?: AbortSignal,
): Promise<Response> {
  const user = requireUser(principal);
  const since = parseTaskEventId(headers.get('last-event-id'));
  const sent = { position: since ?? { revision: 0, seq: 0 } };
  return openEventStream<TaskReplay>({
    principal: user,
    headers,
    signal,
    accepts: (message) =>
      message.kind === 'task.log'
        ? message.line.taskId === taskId
        : message.kind === 'task.updated' && message.update.id === taskId,
    read: () => readTaskReplay(user, taskId, since),
    begin: (stream, replay) => beginTaskStream(stream, replay, since, sent),
    deliver(stream, message) {
      if (message.kind === 'task.log') {
        // Log lines are not replayed (GET /api/v1/tasks/{id}/logs has them): they carry the
        // position already reached, so a reconnect resumes from the same place.
        const id = formatTaskEventId(sent.position);
        stream.send({ event: STREAM_EVENTS.taskLog, id, data: message.line });
        return;
      }
      if (message.kind !== 'task.updated') return;
      const { update } = message;
      if (comparePosition(update, sent.position) <= 0) return;
      stream.send({
        event: STREAM_EVENTS.taskUpdated,
        id: formatTaskEventId(update),
        data: update,
      });
      sent.position = update;
      if (isTerminalStatus(update.status)) stream.close();
    },
  });
}
