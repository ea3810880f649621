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

/** What a user (not an admin) may ask for: bounded work, so anyone signed up cannot hog a worker. */
export const USER_SIMULATE_LIMITS = { steps: 1_000, totalMs: 60_000 } as const;

// Checked on the parsed payload, so the defaults count too (steps × stepMs is the run's length).
const userSimulateSchema = simulatePayloadSchema.superRefine((payload, context) => {
  const { steps, totalMs } = USER_SIMULATE_LIMITS;
  if (payload.steps > steps) {
    context.addIssue({
      code: 'custom',
      path: ['steps'],
      message: `At most ${steps.toLocaleString('en')} steps; longer runs are for admins.`,
    });
  }
  if (payload.steps * payload.stepMs > totalMs) {
    context.addIssue({
      code: 'custom',
      path: ['stepMs'],
      message: `steps × stepMs is at most ${totalMs.toLocaleString('en')} ms (${totalMs / 1000} s); longer runs are for admins.`,
    });
  }
});

/**
 * Simulated work for checking the pipeline end to end (and for benchmarks): a number of
 * steps, each reporting progress, optionally failing at a given step on the first attempts.
 */
export const diagnosticsSimulate = defineTaskType({
  name: 'diagnostics.simulate',
  title: 'Simulated work',
  description: 'Runs a number of timed steps with progress, to check the pipeline end to end.',
  schema: simulatePayloadSchema,
  userSchema: userSimulateSchema,
  summarize: ({ steps, stepMs }) =>
    typeof steps === 'number'
      ? `${steps === 1 ? '1 step' : `${steps} steps`} × ${String(stepMs ?? 200)} ms`
      : null,
  defaults: {
    queue: 'diagnostics',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 500 },
    timeoutMs: 30 * 60_000,
  },
  processor: () => import('./diagnostics-simulate-processor'),
});
