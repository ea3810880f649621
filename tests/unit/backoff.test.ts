import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from '@/server/tasks/backoff';
import type { TaskDefaults } from '@/server/tasks/task-type';

type Backoff = TaskDefaults['backoff'];

/** Math.random's range is [0, 1): the two ends jitter can take. */
const NO_JITTER = () => 0;
const MOST_JITTER = () => 1 - Number.EPSILON;

/** A small deterministic generator, so the bounds are checked over many draws without flakes. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('computeBackoffMs', () => {
  describe('without jitter', () => {
    it('doubles the delay after each failed attempt (exponential)', () => {
      const backoff: Backoff = { type: 'exponential', delayMs: 500, jitter: 0 };
      expect([1, 2, 3, 4, 5].map((n) => computeBackoffMs(backoff, n, NO_JITTER))).toEqual([
        500, 1_000, 2_000, 4_000, 8_000,
      ]);
    });

    it('treats "no failed attempt yet" like the first (never less than delayMs)', () => {
      const backoff: Backoff = { type: 'exponential', delayMs: 500, jitter: 0 };
      expect(computeBackoffMs(backoff, 0, NO_JITTER)).toBe(500);
    });

    it('keeps the same delay every time (fixed)', () => {
      const backoff: Backoff = { type: 'fixed', delayMs: 750, jitter: 0 };
      expect([1, 2, 3, 10].map((n) => computeBackoffMs(backoff, n, NO_JITTER))).toEqual([
        750, 750, 750, 750,
      ]);
    });

    it('caps the delay at maxDelayMs', () => {
      const backoff: Backoff = {
        type: 'exponential',
        delayMs: 1_000,
        maxDelayMs: 5_000,
        jitter: 0,
      };
      expect([1, 2, 3, 4, 5, 20].map((n) => computeBackoffMs(backoff, n, NO_JITTER))).toEqual([
        1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
      ]);
      const fixed: Backoff = { type: 'fixed', delayMs: 9_000, maxDelayMs: 2_000, jitter: 0 };
      expect(computeBackoffMs(fixed, 1, NO_JITTER)).toBe(2_000);
    });
  });

  describe('jitter', () => {
    it('never adds: the configured delay is the upper bound', () => {
      const backoff: Backoff = { type: 'exponential', delayMs: 1_000, jitter: 0.5 };
      expect(computeBackoffMs(backoff, 1, NO_JITTER)).toBe(1_000);
      expect(computeBackoffMs(backoff, 3, NO_JITTER)).toBe(4_000);
    });

    it('takes off at most `jitter` of the delay', () => {
      const backoff: Backoff = { type: 'exponential', delayMs: 1_000, jitter: 0.5 };
      expect(computeBackoffMs(backoff, 1, MOST_JITTER)).toBe(500);
      expect(computeBackoffMs(backoff, 1, () => 0.5)).toBe(750);
    });

    it('stays within [delay × (1 − jitter), delay] over many draws', () => {
      const random = seededRandom(42);
      const cases: Array<[Backoff, number, number]> = [
        [{ type: 'exponential', delayMs: 500, jitter: 0.2 }, 1, 500],
        [{ type: 'exponential', delayMs: 500, jitter: 0.2 }, 4, 4_000],
        [{ type: 'fixed', delayMs: 3_000, jitter: 0.9 }, 2, 3_000],
        [{ type: 'exponential', delayMs: 1_000, maxDelayMs: 6_000, jitter: 0.3 }, 8, 6_000],
      ];
      for (const [backoff, failedAttempts, delay] of cases) {
        const jitter = backoff.jitter ?? 0;
        const draws = Array.from({ length: 500 }, () =>
          computeBackoffMs(backoff, failedAttempts, random),
        );
        for (const value of draws) {
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(Math.floor(delay * (1 - jitter)));
          expect(value).toBeLessThanOrEqual(delay);
        }
        // The draws really spread out over the range rather than sitting at one end.
        expect(Math.max(...draws) - Math.min(...draws)).toBeGreaterThan(delay * jitter * 0.5);
      }
    });

    it('takes off up to 20% by default', () => {
      const backoff: Backoff = { type: 'exponential', delayMs: 1_000 };
      expect(computeBackoffMs(backoff, 1, NO_JITTER)).toBe(1_000);
      expect(computeBackoffMs(backoff, 1, () => 0.5)).toBe(900);
      expect(computeBackoffMs(backoff, 1, MOST_JITTER)).toBe(800);
    });

    it('uses Math.random when no source is given, within the same bounds', () => {
      const backoff: Backoff = { type: 'fixed', delayMs: 10_000 };
      for (let i = 0; i < 100; i += 1) {
        const value = computeBackoffMs(backoff, 1);
        expect(value).toBeGreaterThanOrEqual(8_000);
        expect(value).toBeLessThanOrEqual(10_000);
      }
    });

    it('clamps a jitter outside 0..1', () => {
      const tooMuch: Backoff = { type: 'fixed', delayMs: 1_000, jitter: 3 };
      expect(computeBackoffMs(tooMuch, 1, () => 0.5)).toBe(500);
      const negative: Backoff = { type: 'fixed', delayMs: 1_000, jitter: -1 };
      expect(computeBackoffMs(negative, 1, MOST_JITTER)).toBe(1_000);
    });
  });
});
