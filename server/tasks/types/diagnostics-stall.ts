import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineTaskType } from '../task-type';

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
  schema: z
    .object({
      durationMs: z.number().int().min(0).max(60_000).default(20_000),
      /** Return with what there is once the soft time limit fires. */
      honourSoftLimit: z.boolean().default(false),
    })
    .strict(),
  access: 'admin',
  defaults: {
    queue: 'diagnostics',
    attempts: 1,
    backoff: { type: 'fixed', delayMs: 1_000 },
    softTimeoutMs: 1_500,
    timeoutMs: 4_000,
  },
  async process({ payload, softLimit, reportProgress }) {
    const started = Date.now();
    while (Date.now() - started < payload.durationMs) {
      if (payload.honourSoftLimit && softLimit.aborted) {
        return { result: { wrappedUp: true, elapsedMs: Date.now() - started } };
      }
      // Deliberately without the signal: this processor does not listen.
      await sleep(50);
      reportProgress(((Date.now() - started) / payload.durationMs) * 100);
    }
    return { result: { wrappedUp: false, elapsedMs: Date.now() - started } };
  },
});
