import type { DurabilityStatus } from '@/server/durability/durability-status';

/** An outbox entry older than this means jobs are not reaching Redis. */
export const OUTBOX_STALE_MS = 60_000;
/** The reconciler passes every 30 s at most: two minutes without one means it is not running. */
export const RECONCILER_STALE_MS = 120_000;

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** What health warns about the outbox and the reconciler (null: its store is unreachable). */
export function durabilityWarnings(
  outbox: DurabilityStatus['outbox'] | null,
  reconciler: DurabilityStatus['reconciler'] | null,
  workerCount: number,
  now = Date.now(),
): string[] {
  const warnings: string[] = [];
  if (outbox?.oldestAgeMs != null && outbox.oldestAgeMs > OUTBOX_STALE_MS) {
    warnings.push(
      `The outbox's oldest entry is ${seconds(outbox.oldestAgeMs)} old (${outbox.backlog} ` +
        'waiting): jobs are not reaching Redis.',
    );
  }
  // Without workers no task runs anyway, and a fresh install has never needed a pass.
  if (reconciler && workerCount > 0) {
    const lastRun = reconciler.lastRun;
    const age = lastRun ? now - Date.parse(lastRun.at) : null;
    if (age === null) {
      warnings.push('The reconciler has not reported a run: lost jobs would not be restored.');
    } else if (age > RECONCILER_STALE_MS) {
      warnings.push(
        `The reconciler last ran ${seconds(age)} ago: lost jobs are not being restored.`,
      );
    }
  }
  return warnings;
}
