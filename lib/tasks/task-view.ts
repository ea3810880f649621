import { z } from 'zod';

// The shape of a task outside the server: REST bodies, socket events and React props.
// Safe to import from the browser.

export const TASK_STATUSES = [
  'queued',
  'delayed',
  'running',
  'retrying',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
]);

/** Lowest first. Users may submit up to `normal`; admins any. */
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** How a schedule started a task: its time came, an admin ran it now, or a missed run caught up. */
export const SCHEDULE_TRIGGERS = ['schedule', 'run_now', 'catch_up'] as const;
export type ScheduleTrigger = (typeof SCHEDULE_TRIGGERS)[number];

export const taskErrorViewSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    cause: z
      .string()
      .optional()
      .meta({ description: "What caused it, when the error says (an Error's `cause`)." }),
  })
  .meta({ id: 'TaskError' });
export type TaskErrorView = z.infer<typeof taskErrorViewSchema>;

/** An ISO 8601 time as the API writes it (Date#toISOString). */
export const isoTimeSchema = z.string().meta({ format: 'date-time' });
const isoTime = isoTimeSchema;
const nullableTime = (description: string) => isoTime.nullable().meta({ description });

// The view is a schema so the OpenAPI document (server/http/openapi-document.ts) describes
// exactly what the code returns: the type below is inferred from it.
export const taskViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    type: z.string(),
    label: z.string().meta({
      description:
        "What a task of its type is called (the type's own label); the type's name if unknown.",
    }),
    summary: z.string().nullable().meta({
      description:
        'One line about what its payload asks for, from its type; null when there is none.',
    }),
    queue: z.string(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    progress: z.number().meta({ description: '0..100' }),
    progressMessage: z.string().nullable(),
    payload: z.unknown(),
    result: z.unknown(),
    error: taskErrorViewSchema.nullable(),
    attempts: z
      .number()
      .int()
      .meta({ description: 'Attempts started so far (the current one included).' }),
    maxAttempts: z.number().int(),
    revision: z.number().int().meta({
      description:
        'Counts status changes; with seq it orders every change (lib/realtime/merge-task-update.ts).',
    }),
    seq: z.number().int().meta({ description: 'Orders progress reports within one revision.' }),
    ownerId: z.string().nullable(),
    createdAt: isoTime,
    runAt: nullableTime('While delayed: when the task becomes due.'),
    retryAt: nullableTime('While retrying: when the next attempt starts.'),
    cancelRequestedAt: isoTime.nullable(),
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    resultUrl: z.string().nullable().meta({
      description: "Where the task's output file can be downloaded, once there is one.",
    }),
    scheduleId: z
      .string()
      .nullable()
      .meta({ description: 'The schedule that started it, if one did.' }),
    scheduleTrigger: z.enum(SCHEDULE_TRIGGERS).nullable(),
    parentTaskId: z.string().nullable().meta({
      format: 'uuid',
      description:
        'For a follow-up (a completion email, the webhook delivery of a task event): the task it reports on. Lists leave such children out unless asked (include=children).',
    }),
  })
  .meta({ id: 'Task' });
export type TaskView = z.infer<typeof taskViewSchema>;

/**
 * Whether the task is a row of its own in a list: follow-ups (children) are shown under their
 * parent. The live list applies it to tasks announced over the socket, as the list's SQL does.
 */
export function isTopLevelTask(task: Pick<TaskView, 'parentTaskId'>): boolean {
  return task.parentTaskId === null;
}

/** One page of a keyset-paged task list, newest first; `nextCursor` fetches the next. */
export const taskPageSchema = z
  .object({
    data: z.array(taskViewSchema),
    nextCursor: z.string().nullable().meta({ description: 'null on the last page.' }),
  })
  .meta({ id: 'TaskPage' });
export type TaskPage = z.infer<typeof taskPageSchema>;

/** One entry of a task's timeline: a status change. */
export const taskTransitionViewSchema = z
  .object({
    revision: z.number().int(),
    attempt: z.number().int(),
    from: z.enum(TASK_STATUSES).nullable(),
    to: z.enum(TASK_STATUSES),
    reason: z.string().nullable(),
    actorId: z.string().nullable(),
    at: isoTime,
  })
  .meta({ id: 'TaskTransition' });
export type TaskTransitionView = z.infer<typeof taskTransitionViewSchema>;

/**
 * A failed attempt's stack and cause chain: admins only, never in lists, events or webhooks.
 */
export const taskErrorDetailSchema = z
  .object({
    attempt: z.number().int().meta({ description: 'The attempt that failed.' }),
    revision: z.number().int().meta({ description: 'The timeline entry it was recorded with.' }),
    at: isoTime,
    text: z.string().meta({
      description: 'The error\'s stack, then each cause\'s ("Caused by: …"); at most 16 KiB.',
    }),
  })
  .meta({ id: 'TaskErrorDetail' });
export type TaskErrorDetail = z.infer<typeof taskErrorDetailSchema>;

/** GET /api/v1/tasks/{id}: the task, and for an admin the last failed attempt's detail. */
export const taskWithDetailSchema = taskViewSchema
  .extend({
    errorDetail: taskErrorDetailSchema.nullable().optional().meta({
      description:
        "Admins only (absent for anyone else): the stack and cause chain of the task's last failed attempt; null when none was recorded.",
    }),
  })
  .meta({ id: 'TaskWithDetail' });
export type TaskWithDetail = z.infer<typeof taskWithDetailSchema>;

export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Statuses a cancel request applies to. */
export function isCancellable(status: TaskStatus): boolean {
  return !isTerminalStatus(status) && status !== 'cancelling';
}

/** Statuses a retry by hand applies to. */
export function isRetryable(status: TaskStatus): boolean {
  return status === 'failed' || status === 'cancelled';
}
