import { z } from 'zod';
import { defineTaskType } from '../task-type';

export const cleanupPayloadSchema = z
  .object({
    /** Finished tasks older than this go; RETENTION_DAYS when left out. */
    olderThanDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export type CleanupPayload = z.output<typeof cleanupPayloadSchema>;

export const maintenanceCleanup = defineTaskType({
  name: 'maintenance.cleanup',
  title: 'Retention cleanup',
  description:
    'Removes finished tasks older than the retention age, with their uploads, outputs and logs.',
  schema: cleanupPayloadSchema,
  access: 'admin',
  defaults: {
    queue: 'maintenance',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 60_000, maxDelayMs: 15 * 60_000 },
    // A big backlog is worked off over several runs: past the soft limit the run stops after
    // its current batch and reports what it did.
    softTimeoutMs: 50 * 60_000,
    timeoutMs: 60 * 60_000,
  },
  processor: () => import('./maintenance-cleanup-processor'),
});
