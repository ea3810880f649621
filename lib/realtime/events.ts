// The realtime contract: event names and payloads shared by the worker (publisher),
// the Socket.IO server (relay) and the browser (consumer).
import { z } from 'zod';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import {
  isoTimeSchema,
  TASK_PRIORITIES,
  TASK_STATUSES,
  taskErrorViewSchema,
  type TaskView,
} from '@/lib/tasks/task-view';

const nullableTime = isoTimeSchema.nullable();

/**
 * A change to one task. `revision` (bumped by every status change) and `seq` (progress reports
 * within a revision) order it against every other change. Progress reports carry the first
 * fields only; status changes carry the task's whole mutable state. A schema so the OpenAPI
 * document can name it as the payload of the event streams' `task.updated`.
 */
export const taskUpdateSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    attempt: z.number().int(),
    revision: z.number().int(),
    seq: z.number().int(),
    status: z.enum(TASK_STATUSES),
    progress: z.number().meta({ description: '0..100' }),
    progressMessage: z.string().nullable(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    error: taskErrorViewSchema.nullable().optional(),
    result: z.unknown().optional(),
    runAt: nullableTime.optional(),
    retryAt: nullableTime.optional(),
    cancelRequestedAt: nullableTime.optional(),
    startedAt: nullableTime.optional(),
    finishedAt: nullableTime.optional(),
    resultUrl: z.string().nullable().optional(),
    emittedAt: z.number().meta({
      description:
        'performance.timeOrigin + performance.now() where the change was made, for latency figures.',
    }),
  })
  .meta({ id: 'TaskUpdate' });
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

/** One line a task's processor logged for its users. */
export const taskLogLineSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    taskId: z.string().meta({ format: 'uuid' }),
    attempt: z.number().int(),
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
    at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'TaskLogLine' });
export type TaskLogLine = z.infer<typeof taskLogLineSchema>;

export const SERVER_EVENTS = {
  taskCreated: 'task.created',
  taskUpdated: 'task.updated',
  taskLog: 'task.log',
  adminOverview: 'admin.overview',
} as const;

export const CLIENT_EVENTS = {
  subscribe: 'tasks.subscribe',
  unsubscribe: 'tasks.unsubscribe',
  adminOverviewSubscribe: 'admin.overview.subscribe',
  adminOverviewUnsubscribe: 'admin.overview.unsubscribe',
} as const;

/**
 * A handshake refused because Postgres or Redis is down (connect_error's message); its `data`
 * is `HandshakeRefusal`. Other refusals are 'unauthorized'.
 */
export const SERVICE_UNAVAILABLE = 'service_unavailable';

export interface HandshakeRefusal {
  message: string;
  retryAfterSeconds?: number;
}

export type SubscribeAck = { ok: true; tasks: TaskView[] } | { ok: false; error: string };

export type AdminOverviewAck = { ok: true; overview: AdminOverview } | { ok: false; error: string };

export interface ServerToClientEvents {
  'task.created': (task: TaskView) => void;
  'task.updated': (update: TaskUpdate) => void;
  /** Only to sockets that subscribed to the task (its page), not to whole dashboards. */
  'task.log': (line: TaskLogLine) => void;
  /** Every few seconds, to admins' sockets that subscribed to the overview; with the firing alerts. */
  'admin.overview': (overview: AdminOverview) => void;
}

export interface ClientToServerEvents {
  /** Joins the rooms of these tasks; the ack carries their current state (unknown ids are left out). */
  'tasks.subscribe': (taskIds: string[], ack: (result: SubscribeAck) => void) => void;
  'tasks.unsubscribe': (taskIds: string[]) => void;
  /** Admins only: the ack carries the first snapshot; others get { ok: false } and join nothing. */
  'admin.overview.subscribe': (ack: (result: AdminOverviewAck) => void) => void;
  'admin.overview.unsubscribe': () => void;
}

/**
 * What travels over Redis pub/sub from any process to the Socket.IO nodes and event streams
 * that may see it; `ownerId` picks the channels (server/realtime/event-bus.ts).
 */
export type BusMessage =
  | { kind: 'task.created'; ownerId: string | null; task: TaskView }
  | { kind: 'task.updated'; ownerId: string | null; update: TaskUpdate }
  | { kind: 'task.log'; ownerId: string | null; line: TaskLogLine };

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
