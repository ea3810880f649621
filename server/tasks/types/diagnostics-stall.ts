import { z } from 'zod';
import { defineTaskType } from '../task-type';

export const stallPayloadSchema = z
  .object({
    durationMs: z.number().int().min(0).max(60_000).default(20_000),
    /** Return with what there is once the soft time limit fires. */
    honourSoftLimit: z.boolean().default(false),
  })
  .strict();

export type StallPayload = z.output<typeof stallPayloadSchema>;

/**
 * A processor that ignores its abort signal for a while, as badly behaved code does: checks that
 * forced cancels and the hard time limit still end the task. With honourSoftLimit it returns at
 * the soft limit instead, as well-behaved long work should. For admins only: it holds a worker slot
 * while ignoring every stop request.
 */
export const diagnosticsStall = defineTaskType({
  name: 'diagnostics.stall',
  title: 'Unresponsive work',
  description:
    'Ignores stop requests for a while, to check that forced cancels and time limits work.',
  schema: stallPayloadSchema,
  access: 'admin',
  defaults: {
    queue: 'diagnostics',
    attempts: 1,
    backoff: { type: 'fixed', delayMs: 1_000 },
    softTimeoutMs: 1_500,
    timeoutMs: 4_000,
  },
  processor: () => import('./diagnostics-stall-processor'),
});
