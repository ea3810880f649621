import { describe, expect, it } from 'vitest';
import { describeTiming } from '@/lib/tasks/describe-timing';
import { makeTask } from './task-fixtures';

// The first attempt (attempts: 1 of maxAttempts: 3) started 10 s before NOW.
const NOW = Date.parse('2026-01-30T10:00:11.000Z');
const at = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();

describe('describeTiming', () => {
  describe('delayed', () => {
    it('counts down to runAt', () => {
      const task = makeTask({ status: 'delayed', runAt: at(125_000) });
      expect(describeTiming(task, NOW, null)).toBe('Starts in 2 min 5 s');
    });

    it('reads as due from half a second before runAt on, and after it', () => {
      expect(describeTiming(makeTask({ status: 'delayed', runAt: at(501) }), NOW, null)).toBe(
        'Starts in 1 s',
      );
      for (const offset of [500, 0, -3_000]) {
        const task = makeTask({ status: 'delayed', runAt: at(offset) });
        expect(describeTiming(task, NOW, null)).toBe('Due, waiting for a worker');
      }
    });

    it('says nothing without a runAt', () => {
      expect(describeTiming(makeTask({ status: 'delayed', runAt: null }), NOW, null)).toBeNull();
    });
  });

  describe('retrying', () => {
    it('counts down to retryAt and names the attempt to come', () => {
      const task = makeTask({ status: 'retrying', retryAt: at(4_000) });
      expect(describeTiming(task, NOW, null)).toBe('Retrying in 4 s (attempt 2 of 3)');
    });

    it('reads as now from half a second before retryAt on, and after it', () => {
      for (const offset of [500, 0, -2_000]) {
        const task = makeTask({ status: 'retrying', retryAt: at(offset) });
        expect(describeTiming(task, NOW, null)).toBe('Retrying now (attempt 2 of 3)');
      }
    });

    it('names only the attempt without a retryAt', () => {
      const task = makeTask({ status: 'retrying', attempts: 2, retryAt: null });
      expect(describeTiming(task, NOW, null)).toBe('Retrying (attempt 3 of 3)');
    });
  });

  describe('running', () => {
    it('gives the time left from the run rate', () => {
      // 30% in 10 s: 70% more takes about 23 s.
      const task = makeTask({ status: 'running', progress: 30 });
      expect(describeTiming(task, NOW, null)).toBe('about 23 s left');
    });

    it('falls back on the typical duration while the rate means nothing', () => {
      const task = makeTask({ status: 'running', progress: 0 });
      expect(describeTiming(task, NOW, 70_000)).toBe('about 1 min left');
    });

    it('never says less than 1 s left', () => {
      const task = makeTask({ status: 'running', progress: 100 });
      expect(describeTiming(task, NOW, null)).toBe('about 1 s left');
    });

    it('says it is estimating with no rate and no history', () => {
      const task = makeTask({ status: 'running', progress: 0 });
      expect(describeTiming(task, NOW, null)).toBe('Estimating time left…');
    });

    it('says nothing before the attempt has a startedAt', () => {
      const task = makeTask({ status: 'running', startedAt: null });
      expect(describeTiming(task, NOW, 70_000)).toBeNull();
    });
  });

  describe('cancelling', () => {
    it('says how long ago the stop was requested', () => {
      const task = makeTask({ status: 'cancelling', cancelRequestedAt: at(-3_000) });
      expect(describeTiming(task, NOW, null)).toBe('Stopping: requested 3 s ago');
    });

    it('reads a request stamped in the future (clock skew) as just now', () => {
      const task = makeTask({ status: 'cancelling', cancelRequestedAt: at(2_000) });
      expect(describeTiming(task, NOW, null)).toBe('Stopping: requested 0 s ago');
    });

    it('says only that it is stopping without a cancelRequestedAt', () => {
      const task = makeTask({ status: 'cancelling', cancelRequestedAt: null });
      expect(describeTiming(task, NOW, null)).toBe('Stopping…');
    });
  });

  it('says nothing for a status without a clock', () => {
    for (const status of ['queued', 'succeeded', 'failed', 'cancelled'] as const) {
      const task = makeTask({ status, runAt: at(5_000), retryAt: at(5_000) });
      expect(describeTiming(task, NOW, 70_000)).toBeNull();
    }
  });
});
