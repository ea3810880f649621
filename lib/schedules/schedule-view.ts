import { z } from 'zod';
import {
  isoTimeSchema as isoTime,
  SCHEDULE_TRIGGERS,
  TASK_PRIORITIES,
  TASK_STATUSES,
} from '@/lib/tasks/task-view';
import { MISSED_RUN_POLICIES, repeatSchema } from './schedule-spec';

// A schedule outside the server: REST bodies and React props. Safe to import from the browser.

export const scheduleViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    name: z.string(),
    taskType: z.string(),
    payload: z.record(z.string(), z.unknown()),
    priority: z.enum(TASK_PRIORITIES),
    // The output side of the input's own schema: what was accepted is what is shown.
    repeat: repeatSchema,
    description: z.string().meta({ description: '"At 03:00 (UTC)", "Every 3 seconds".' }),
    enabled: z.boolean(),
    missedRunPolicy: z.enum(MISSED_RUN_POLICIES),
    ownerId: z.string().nullable(),
    version: z.number().int(),
    nextRuns: z
      .array(isoTime)
      .meta({ description: 'The next five run times (ISO); empty while paused.' }),
    lastRunAt: isoTime.nullable(),
    skippedRuns: z.number().int(),
    lastSkippedAt: isoTime.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastRun: z
      .object({
        taskId: z.string().meta({ format: 'uuid' }),
        status: z.enum(TASK_STATUSES),
        trigger: z.enum(SCHEDULE_TRIGGERS).nullable(),
      })
      .nullable()
      .meta({ description: 'The latest run, for the list.' }),
  })
  .meta({ id: 'Schedule' });
export type ScheduleView = z.infer<typeof scheduleViewSchema>;
