import { z } from 'zod';
import { CALENDAR_MESSAGE, isUnparsedOrWithinCalendar } from '@/lib/validation/calendar';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskStatus } from './task-view';

// Inputs accepted at the edges (REST, server actions, sockets). Payloads are checked later
// against their task type's own schema.

const MAX_DELAY_MS = 30 * 86_400_000;

export const createTaskInputSchema = z
  .object({
    type: z.string({ message: 'type is required' }).min(1).max(100),
    payload: z.unknown().optional(),
    /** Users may use low and normal; high and urgent are for admins. */
    priority: z.enum(TASK_PRIORITIES).optional(),
    /** Start no earlier than this many ms from now. */
    delayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
    /** Start no earlier than this time (ISO 8601 with an offset), at most as far off as delayMs. */
    runAt: z.iso
      .datetime({ offset: true })
      .refine((value) => isUnparsedOrWithinCalendar(new Date(value)), CALENDAR_MESSAGE)
      // Not NaN > x: an unparsed value is the format check's to report.
      .refine((value) => !(Date.parse(value) > Date.now() + MAX_DELAY_MS), {
        message: `runAt must be at most ${MAX_DELAY_MS / 86_400_000} days from now`,
      })
      .optional(),
  })
  .strict()
  .refine((input) => input.delayMs === undefined || input.runAt === undefined, {
    message: 'Give delayMs or runAt, not both.',
    path: ['runAt'],
  });

export type CreateTaskInput = z.infer<typeof createTaskInputSchema>;

/** A query parameter left empty (a filter form's blank field) means "not given". */
const blankAsAbsent = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

// Postgres text cannot hold a NUL character: refused here rather than failing in the query.
const optionalText = (max: number) =>
  z.preprocess(
    blankAsAbsent,
    z
      .string()
      .trim()
      .min(1)
      .max(max)
      .refine((text) => !text.includes('\u0000'), 'Remove the NUL character')
      .optional(),
  );

/** `failed` or `failed,cancelled`: one status or several, any of which matches. */
const isTaskStatus = (value: string): value is TaskStatus =>
  (TASK_STATUSES as readonly string[]).includes(value);

// Checked in one step so an unknown status is reported on `status` itself, not `status.0`.
const statusListSchema = z
  .string()
  .max(200)
  .transform((value, context) => {
    const parts = [...new Set(value.split(',').map((part) => part.trim()))];
    const unknown = parts.filter((part) => !isTaskStatus(part));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `Unknown status ${unknown.map((part) => `"${part}"`).join(', ')}: use one of ${TASK_STATUSES.join(', ')}`,
      });
      return z.NEVER;
    }
    return parts.filter(isTaskStatus);
  });

/** ISO 8601; without an offset (a datetime-local field) it is read as UTC. */
const createdBoundSchema = z.iso
  .datetime({
    offset: true,
    local: true,
    message: 'Use a date and time like 2026-01-31T14:05:00Z',
  })
  .refine((value) => isUnparsedOrWithinCalendar(readCreatedBound(value)), CALENDAR_MESSAGE);

/**
 * Listing tasks (REST `GET /api/v1/tasks`, the admin task list): filters, all optional and
 * combined with AND, and a keyset page. `owner` (a user id or exact email) is for admins; `q` is
 * a task id, or at least 3 characters to find in the payload.
 */
export const listTasksQuerySchema = z
  .object({
    // The descriptions are the OpenAPI document's (server/http/openapi-document.ts).
    status: z.preprocess(blankAsAbsent, statusListSchema.optional()).meta({
      description: `One status or several, comma-separated: ${TASK_STATUSES.join(', ')}.`,
    }),
    type: optionalText(100).meta({ description: 'A task type, e.g. report.generate.' }),
    owner: optionalText(320).meta({ description: "Admins: a user's id or exact email." }),
    queue: optionalText(100),
    from: z
      .preprocess(blankAsAbsent, createdBoundSchema.optional())
      .meta({ description: 'Created at or after this time (ISO 8601; no offset means UTC).' }),
    to: z
      .preprocess(blankAsAbsent, createdBoundSchema.optional())
      .meta({ description: 'Created before this time.' }),
    finishedFrom: z.preprocess(blankAsAbsent, createdBoundSchema.optional()).meta({
      description:
        'Finished (succeeded, failed or cancelled) at or after this time: the windows the admin counts are over.',
    }),
    finishedTo: z
      .preprocess(blankAsAbsent, createdBoundSchema.optional())
      .meta({ description: 'Finished before this time.' }),
    q: optionalText(200).meta({
      description: 'A task id, or at least 3 characters to find in the payload.',
    }),
    include: z.preprocess(blankAsAbsent, z.enum(['children']).optional()).meta({
      description:
        'children: also list follow-up tasks (completion emails, webhook deliveries of task events), which are otherwise listed only under their parent.',
    }),
    parent: z.preprocess(blankAsAbsent, z.uuid().optional()).meta({
      description: 'Only the follow-ups of this task (its children), newest first.',
    }),
    cursor: optionalText(200).meta({ description: "The previous page's nextCursor." }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict()
  .refine((query) => !(query.include && query.parent), {
    message: 'Give include=children or parent, not both: parent already lists children.',
    path: ['parent'],
  })
  .refine(
    (query) =>
      !query.from || !query.to || readCreatedBound(query.from) < readCreatedBound(query.to),
    {
      message: 'The start of the range must be before its end',
      path: ['to'],
    },
  );

export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

/** A `from`/`to` bound as a Date; one without an offset is UTC. */
export function readCreatedBound(value: string): Date {
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
}

export const taskIdSchema = z.uuid();

export const taskIdListSchema = z.array(taskIdSchema).max(500);

/** Printable ASCII, as the Idempotency-Key draft's examples; one key per logical request. */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'Idempotency-Key must not be empty')
  .max(255, 'Idempotency-Key must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces');

export const bulkTaskActionSchema = z
  .object({
    action: z.enum(['cancel', 'retry', 'delete']),
    ids: z.array(taskIdSchema).min(1, 'Select at least one task').max(500),
  })
  .strict();

export type BulkTaskAction = z.infer<typeof bulkTaskActionSchema>;

/** What report.generate can report on; the payload and the report form both offer these. */
export const REPORT_KINDS = ['activity', 'failures', 'durations'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_FORMATS = ['csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
