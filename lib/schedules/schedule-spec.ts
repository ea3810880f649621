import { z } from 'zod';
import { TASK_PRIORITIES } from '@/lib/tasks/task-view';
import { checkCronPattern, isTimeZone } from './cron';

// What an admin enters for a schedule, checked the same way in the browser (as they type) and
// on the server. The payload is checked later, against its task type's own schema.

export const MISSED_RUN_POLICIES = ['run_once', 'skip'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];

export const MISSED_RUN_LABELS: Record<MissedRunPolicy, string> = {
  run_once: 'Run once when back',
  skip: 'Skip missed runs',
};

/** A run that starts this late counts as missed: the system was down or too busy. */
export const MISSED_AFTER_MS = 60_000;

export const MIN_EVERY_MS = 1_000;
export const MAX_EVERY_MS = 7 * 86_400_000;

export const repeatSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('cron'),
    cron: z
      .string()
      .trim()
      .min(1, 'Enter a cron pattern')
      .max(120)
      .superRefine((pattern, context) => {
        const problem = checkCronPattern(pattern);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    timezone: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .refine(isTimeZone, { message: 'Unknown time zone: use an IANA name like Europe/Berlin' }),
  }),
  z.object({
    kind: z.literal('interval'),
    everyMs: z
      .number({ message: 'Enter the interval' })
      .int()
      .min(MIN_EVERY_MS, 'The interval must be at least 1 second')
      .max(MAX_EVERY_MS, 'The interval may be at most 7 days: use a cron pattern for longer'),
  }),
]);

export type RepeatSpec = z.infer<typeof repeatSchema>;

export const scheduleInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the schedule').max(100),
    taskType: z.string().trim().min(1, 'Choose a task type').max(100),
    payload: z.record(z.string(), z.unknown()).default({}),
    priority: z.enum(TASK_PRIORITIES).default('normal'),
    repeat: repeatSchema,
    enabled: z.boolean().default(true),
    missedRunPolicy: z.enum(MISSED_RUN_POLICIES).default('run_once'),
  })
  .strict();

export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ParsedScheduleInput = z.output<typeof scheduleInputSchema>;

/** PATCH: any of the fields above, laid over the schedule's; the result is checked whole. */
export const scheduleChangesSchema = scheduleInputSchema.partial();

/** GET /api/v1/schedules/{id}/runs: one keyset page. */
export const scheduleRunsQuerySchema = z
  .object({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();
