import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from './task-view';

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
    /** Start no earlier than this time (ISO 8601 with an offset). */
    runAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((input) => input.delayMs === undefined || input.runAt === undefined, {
    message: 'Give delayMs or runAt, not both.',
    path: ['runAt'],
  });

export type CreateTaskInput = z.infer<typeof createTaskInputSchema>;

export const listTasksQuerySchema = z
  .object({
    status: z.enum(TASK_STATUSES).optional(),
    type: z.string().min(1).max(100).optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

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
    action: z.enum(['cancel', 'retry']),
    ids: z.array(taskIdSchema).min(1, 'Select at least one task').max(500),
  })
  .strict();

export type BulkTaskAction = z.infer<typeof bulkTaskActionSchema>;

/** What report.generate can report on; the payload and the report form both offer these. */
export const REPORT_KINDS = ['activity', 'failures', 'durations'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_FORMATS = ['csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
