import { getLogger } from '@/lib/logger';
import { rejectAfter } from '@/lib/time-limit';

// A background pass repeated every `intervalMs` (the durability loops, the alert evaluation).
// A pass that fails (Postgres or Redis down) is logged and the next one tries again: the
// process never stops for it. Passes never overlap.

/**
 * A pass that hangs (a Redis call waiting for a connection that never comes) must not stop
 * the loop: past this the next pass may start. Each caller's pass is safe to run late.
 */
const PASS_TIMEOUT_MS = 2 * 60_000;

export interface RepeatedPass {
  /** Runs the next pass in `ms` instead of at its turn. */
  soon(ms: number): void;
  stop(): void;
}

export function repeatPass(
  name: string,
  intervalMs: number,
  pass: () => Promise<unknown>,
): RepeatedPass {
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await rejectAfter(pass(), PASS_TIMEOUT_MS, `the ${name} pass timed out`);
    } catch (error) {
      getLogger().warn({ err: error }, `${name} pass failed; trying again later`);
    } finally {
      running = false;
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      void run().finally(() => schedule(intervalMs));
    }, ms);
    timer.unref();
  };
  return {
    soon: (ms: number) => schedule(ms),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
