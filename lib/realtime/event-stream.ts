// The Server-Sent Events contract (GET /api/v1/tasks/{id}/events, GET /api/v1/events): the same
// event names and payloads as Socket.IO's (events.ts), plus a snapshot event and a reset.
// Pure, so integrations written in TypeScript and the tests can share it.
import { z } from 'zod';
import { taskIdSchema } from '@/lib/tasks/task-inputs';
import { taskViewSchema } from '@/lib/tasks/task-view';
import { SERVER_EVENTS, taskLogLineSchema, taskUpdateSchema } from './events';
import { compareOrder } from './merge-task-update';

export const STREAM_EVENTS = {
  /** The task's whole state (a TaskView, as in Socket.IO's subscribe ack): mergeTaskSnapshot. */
  taskSnapshot: 'task.snapshot',
  /** A new task (TaskView), as on Socket.IO. Only on /api/v1/events. */
  taskCreated: SERVER_EVENTS.taskCreated,
  /** A change (TaskUpdate), as on Socket.IO: mergeTaskUpdate. */
  taskUpdated: SERVER_EVENTS.taskUpdated,
  /** A log line (TaskLogLine), as on Socket.IO to a task's subscribers. Only on one task's stream. */
  taskLog: SERVER_EVENTS.taskLog,
  /** /api/v1/events could not replay everything missed: reload the list (StreamReset). */
  streamReset: 'stream.reset',
} as const;

export type StreamEventName = (typeof STREAM_EVENTS)[keyof typeof STREAM_EVENTS];

export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream';

/** Why a reconnect to /api/v1/events got a reset instead of everything it missed. */
export const streamResetSchema = z
  .object({
    reason: z.enum(['too_many_changes']),
    replayed: z
      .number()
      .int()
      .meta({ description: 'How many task snapshots follow (the most recently changed ones).' }),
  })
  .meta({ id: 'StreamReset' });
export type StreamReset = z.infer<typeof streamResetSchema>;

/** Where an event stands in its task's order (lib/realtime/merge-task-update.ts). */
export interface StreamPosition {
  revision: number;
  seq: number;
}

export function comparePosition(a: StreamPosition, b: StreamPosition): number {
  return compareOrder(a.revision, a.seq, b.revision, b.seq);
}

const counter = z.coerce.number().int().min(0).max(2_147_483_647);

/** `<revision>.<seq>`: the id of every event of GET /api/v1/tasks/{id}/events. */
export function formatTaskEventId(position: StreamPosition): string {
  return `${position.revision}.${position.seq}`;
}

/** A Last-Event-ID of the one-task stream; null for anything else (a fresh start). */
export function parseTaskEventId(value: string | null): StreamPosition | null {
  const match = /^(\d{1,10})\.(\d{1,10})$/.exec(value?.trim() ?? '');
  if (!match) return null;
  const revision = counter.safeParse(match[1]);
  const seq = counter.safeParse(match[2]);
  return revision.success && seq.success ? { revision: revision.data, seq: seq.data } : null;
}

/**
 * Where a reconnect to /api/v1/events resumes: `<revision>.<seq>:<taskId>:<cursor>`, the event's
 * own task and position, and the cursor (ms since the epoch) from which tasks changed are
 * replayed.
 */
export interface FeedEventId extends StreamPosition {
  taskId: string;
  cursorMs: number;
}

export function formatFeedEventId(id: FeedEventId): string {
  return `${formatTaskEventId(id)}:${id.taskId}:${Math.floor(id.cursorMs)}`;
}

export function parseFeedEventId(value: string | null): FeedEventId | null {
  const parts = value?.trim().split(':') ?? [];
  if (parts.length !== 3) return null;
  const position = parseTaskEventId(parts[0]!);
  const taskId = taskIdSchema.safeParse(parts[1]);
  const cursor = z.coerce.number().int().min(0).max(8.64e15).safeParse(parts[2]);
  if (!position || !taskId.success || !cursor.success || parts[2] === '') return null;
  return { ...position, taskId: taskId.data, cursorMs: cursor.data };
}

/** The path parameters of GET /api/v1/tasks/{id}/events (an id that is no UUID answers 404). */
export const taskEventsParamsSchema = z.object({ id: z.string() });

/**
 * The request headers both streams read besides authentication: `Last-Event-ID` (sent by
 * EventSource clients when they reconnect). One that does not parse starts afresh.
 */
export const eventStreamHeadersSchema = z.object({
  'last-event-id': z.string().max(200).optional().meta({
    description:
      'The `id` of the last event received, which EventSource clients send when they reconnect: the stream resumes after it. One that does not parse starts afresh.',
  }),
});

/** The headers eventStreamHeadersSchema reads, from a request's. */
export function pickEventStreamHeaders(headers: Headers): Record<string, string | undefined> {
  return { 'last-event-id': headers.get('last-event-id') ?? undefined };
}

/**
 * The payload (JSON in `data:`) of each event the streams send: the schemas the payloads' types
 * are inferred from, which the OpenAPI document lists by name.
 */
export const STREAM_EVENT_PAYLOADS = {
  [STREAM_EVENTS.taskSnapshot]: taskViewSchema,
  [STREAM_EVENTS.taskCreated]: taskViewSchema,
  [STREAM_EVENTS.taskUpdated]: taskUpdateSchema,
  [STREAM_EVENTS.taskLog]: taskLogLineSchema,
  [STREAM_EVENTS.streamReset]: streamResetSchema,
} as const satisfies Record<StreamEventName, z.ZodType>;
