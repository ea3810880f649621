import { z } from 'zod';
import { defineTaskType } from '../task-type';

export const simulatePayloadSchema = z
  .object({
    steps: z.number().int().min(1).max(100_000).default(10),
    stepMs: z.number().min(0).max(60_000).default(200),
    failAtStep: z.number().int().min(1).optional(),
    /** How many attempts fail at failAtStep; by default every one. */
    failAttempts: z.number().int().min(1).optional(),
    /** Keep a scratch file while running and remove it however the run ends (shows cleanup). */
    scratch: z.boolean().optional(),
  })
  .strict();

export type SimulatePayload = z.output<typeof simulatePayloadSchema>;

/**
 * Simulated work for checking the pipeline end to end (and for benchmarks): a number of
 * steps, each reporting progress, optionally failing at a given step on the first attempts.
 */
export const diagnosticsSimulate = defineTaskType({
  name: 'diagnostics.simulate',
  title: 'Simulated work',
  description: 'Runs a number of timed steps with progress, to check the pipeline end to end.',
  schema: simulatePayloadSchema,
  defaults: {
    queue: 'diagnostics',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 500 },
    timeoutMs: 30 * 60_000,
  },
  processor: () => import('./diagnostics-simulate-processor'),
});
