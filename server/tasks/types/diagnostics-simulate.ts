import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineTaskType } from '../task-type';

export function scratchKeyFor(taskId: string, attempt: number): string {
  return `scratch/${taskId}-${attempt}.txt`;
}

/** What a user (not an admin) may ask for: bounded work, so anyone signed up cannot hog a worker. */
export const USER_SIMULATE_LIMITS = { steps: 1_000, totalMs: 60_000 } as const;

const simulateSchema = z
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

// Checked on the parsed payload, so the defaults count too (steps × stepMs is the run's length).
const userSimulateSchema = simulateSchema.superRefine((payload, context) => {
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
  schema: simulateSchema,
  userSchema: userSimulateSchema,
  defaults: {
    queue: 'diagnostics',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 500 },
    timeoutMs: 30 * 60_000,
  },
  async process({ taskId, payload, attempt, signal, reportProgress, storage, log }) {
    const failing = payload.failAttempts === undefined || attempt <= payload.failAttempts;
    const started = Date.now();
    // Two lines per attempt, not one per step: benchmarks run thousands of steps.
    log(`Attempt ${attempt}: simulating ${payload.steps} steps of ${payload.stepMs} ms`);
    const scratchKey = scratchKeyFor(taskId, attempt);
    if (payload.scratch) {
      await storage.write(
        scratchKey,
        (async function* () {
          yield `attempt ${attempt}\n`;
        })(),
      );
    }
    try {
      for (let step = 1; step <= payload.steps; step += 1) {
        signal.throwIfAborted();
        // Paced against the start time, not step by step, so timer slack does not add up and
        // stepMs: 2 really means 500 steps a second.
        const due = started + step * payload.stepMs - Date.now();
        if (due > 0) await sleep(due, undefined, { signal });
        if (failing && step === payload.failAtStep)
          throw new Error(`Simulated failure at step ${step}`);
        reportProgress((step / payload.steps) * 100, `Step ${step} of ${payload.steps}`);
      }
    } finally {
      if (payload.scratch) await storage.delete(scratchKey);
    }
    log(`Finished ${payload.steps} steps in ${Date.now() - started} ms`);
    return { result: { steps: payload.steps, elapsedMs: Date.now() - started } };
  },
});
