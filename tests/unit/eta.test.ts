import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, formatDuration } from '@/lib/tasks/eta';

const START = Date.parse('2026-03-01T10:00:00.000Z');

/** The estimate `elapsedMs` after the attempt started. */
function estimate(progress: number, elapsedMs: number, typicalMs?: number | null): number | null {
  return estimateRemainingMs({ progress, startedAt: START, now: START + elapsedMs, typicalMs });
}

describe('estimateRemainingMs', () => {
  describe('with nothing to go on', () => {
    it('answers null with no progress and no history', () => {
      expect(estimate(0, 0)).toBeNull();
      expect(estimate(0, 5_000, null)).toBeNull();
    });

    it('answers null while the run is too young for its rate to mean anything', () => {
      // Progress below 1%, or less than a second elapsed: the rate is noise.
      expect(estimate(0.5, 10_000)).toBeNull();
      expect(estimate(40, 999)).toBeNull();
    });

    it('answers null once the run is past its typical duration and has no rate yet', () => {
      expect(estimate(0, 12_000, 10_000)).toBeNull();
    });
  });

  it('answers 0 at 100%, whatever else it knows', () => {
    expect(estimate(100, 0)).toBe(0);
    expect(estimate(100, 60_000, 5_000)).toBe(0);
    expect(estimate(150, 1_000)).toBe(0);
  });

  describe('from history only', () => {
    it('is the typical duration less the time elapsed', () => {
      expect(estimate(0, 0, 30_000)).toBe(30_000);
      expect(estimate(0, 3_000, 10_000)).toBe(7_000);
    });

    it('leans on history when the rate is not usable yet', () => {
      expect(estimate(60, 500, 10_000)).toBe(9_500);
    });

    it('treats a start in the future (clock skew) as nothing elapsed', () => {
      expect(estimate(0, -5_000, 10_000)).toBe(10_000);
    });
  });

  describe('from the rate only', () => {
    it('extrapolates the time taken so far over the progress left', () => {
      // 25% in 10 s: 75% more takes 30 s.
      expect(estimate(25, 10_000)).toBe(30_000);
      expect(estimate(80, 8_000, null)).toBe(2_000);
    });

    it('drops history once the run has outlasted it', () => {
      expect(estimate(20, 10_000, 8_000)).toBe(40_000);
    });

    it('rounds to whole milliseconds', () => {
      expect(estimate(3, 1_000)).toBe(Math.round((1_000 * 97) / 3));
    });
  });

  describe('blending the two', () => {
    it('weighs the rate by progress, half and half at 25%', () => {
      // Rate: 30 s left. History: 30 s typical, 10 s elapsed, so 20 s left. Weight 25/50.
      expect(estimate(25, 10_000, 30_000)).toBe(25_000);
    });

    it('trusts history more early on', () => {
      // 5%: weight 0.1. Rate says 19 s left, history 9 s.
      expect(estimate(5, 1_000, 10_000)).toBe(Math.round(0.1 * 19_000 + 0.9 * 9_000));
    });

    it('trusts only the rate from 50% on', () => {
      expect(estimate(50, 6_000, 60_000)).toBe(6_000);
      expect(estimate(60, 6_000, 20_000)).toBe(4_000);
    });

    it('lands between the two estimates', () => {
      for (const progress of [2, 10, 20, 35, 49]) {
        const elapsed = 4_000;
        const typical = 100_000;
        const fromRate = (elapsed * (100 - progress)) / progress;
        const fromHistory = typical - elapsed;
        const value = estimate(progress, elapsed, typical);
        expect(value).not.toBeNull();
        expect(value!).toBeGreaterThanOrEqual(Math.floor(Math.min(fromRate, fromHistory)));
        expect(value!).toBeLessThanOrEqual(Math.ceil(Math.max(fromRate, fromHistory)));
      }
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-2_000, '0 s'],
    [400, '0 s'],
    [4_000, '4 s'],
    [4_499, '4 s'],
    [4_500, '5 s'],
    [59_000, '59 s'],
    [59_500, '1 min'],
    [60_000, '1 min'],
    [125_000, '2 min 5 s'],
    [3_599_000, '59 min 59 s'],
    [3_600_000, '1 h'],
    [3_840_000, '1 h 4 min'],
    [3_845_000, '1 h 4 min'],
    [7_200_000, '2 h'],
    [90_000_000, '25 h'],
  ])('formats %d ms as %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
