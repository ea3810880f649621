import { describe, expect, it } from 'vitest';
import type { ReconcilerRun } from '@/server/durability/durability-status';
import {
  durabilityWarnings,
  OUTBOX_STALE_MS,
  RECONCILER_STALE_MS,
} from '@/server/health/durability-warnings';

const now = Date.parse('2026-12-02T12:00:00Z');

function ranAgo(ms: number): { lastRun: ReconcilerRun; lastRepairAt: null } {
  const at = new Date(now - ms).toISOString();
  return {
    lastRun: { at, durationMs: 5, full: false, repaired: {}, holder: 'web-1' },
    lastRepairAt: null,
  };
}

describe('durabilityWarnings', () => {
  it('none when the outbox drains and the reconciler ran lately', () => {
    const outbox = { backlog: 3, oldestAgeMs: OUTBOX_STALE_MS };
    expect(durabilityWarnings(outbox, ranAgo(RECONCILER_STALE_MS), 2, now)).toEqual([]);
  });

  it('an outbox entry older than a minute', () => {
    const outbox = { backlog: 12, oldestAgeMs: OUTBOX_STALE_MS + 15_000 };
    expect(durabilityWarnings(outbox, ranAgo(1_000), 1, now)).toEqual([
      "The outbox's oldest entry is 75 s old (12 waiting): jobs are not reaching Redis.",
    ]);
  });

  it('a reconciler silent for over two minutes, or never heard of, while workers run', () => {
    const outbox = { backlog: 0, oldestAgeMs: null };
    expect(durabilityWarnings(outbox, ranAgo(RECONCILER_STALE_MS + 1_000), 1, now)).toEqual([
      'The reconciler last ran 121 s ago: lost jobs are not being restored.',
    ]);
    expect(durabilityWarnings(outbox, { lastRun: null, lastRepairAt: null }, 1, now)).toEqual([
      'The reconciler has not reported a run: lost jobs would not be restored.',
    ]);
  });

  it('no reconciler warning without workers, nor when its store cannot be read', () => {
    expect(durabilityWarnings(null, { lastRun: null, lastRepairAt: null }, 0, now)).toEqual([]);
    expect(durabilityWarnings(null, null, 3, now)).toEqual([]);
  });
});
