import { describe, expect, it } from 'vitest';
import { allowedTransitions, canTransition } from '@/lib/tasks/task-states';
import {
  isCancellable,
  isRetryable,
  isTerminalStatus,
  TASK_STATUSES,
  type TaskStatus,
} from '@/lib/tasks/task-view';

// The lifecycle written out again, by hand, so a change to the table in lib/tasks/task-states.ts
// has to be made on purpose in two places.
const EXPECTED: Record<TaskStatus, TaskStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  delayed: ['running', 'cancelled', 'failed'],
  running: ['running', 'queued', 'retrying', 'cancelling', 'succeeded', 'failed'],
  retrying: ['running', 'cancelled', 'failed'],
  cancelling: ['cancelled'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

const ALLOWED_PAIRS = TASK_STATUSES.flatMap((from) =>
  EXPECTED[from].map((to) => [from, to] as const),
);

describe('canTransition', () => {
  it.each(ALLOWED_PAIRS)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    // A cancel request on a running task must go through cancelling, so the worker is told.
    ['running', 'cancelled'],
    ['running', 'delayed'],
    ['queued', 'succeeded'],
    ['queued', 'retrying'],
    ['queued', 'cancelling'],
    ['queued', 'queued'],
    ['delayed', 'succeeded'],
    ['delayed', 'delayed'],
    ['retrying', 'queued'],
    ['retrying', 'cancelling'],
    ['retrying', 'succeeded'],
    // Once a cancel is requested, no outcome of the attempt may win over it.
    ['cancelling', 'running'],
    ['cancelling', 'succeeded'],
    ['cancelling', 'failed'],
    ['cancelling', 'retrying'],
    ['cancelling', 'queued'],
    ['succeeded', 'queued'],
    ['succeeded', 'running'],
    ['succeeded', 'failed'],
    ['succeeded', 'cancelled'],
    ['failed', 'running'],
    ['failed', 'cancelled'],
    ['failed', 'succeeded'],
    ['cancelled', 'running'],
    ['cancelled', 'failed'],
    ['cancelled', 'cancelling'],
  ] satisfies Array<[TaskStatus, TaskStatus]>)('forbids %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('allows exactly the listed moves, for every pair of statuses', () => {
    for (const from of TASK_STATUSES) {
      for (const to of TASK_STATUSES) {
        expect({ from, to, allowed: canTransition(from, to) }).toEqual({
          from,
          to,
          allowed: EXPECTED[from].includes(to),
        });
      }
    }
  });
});

describe('allowedTransitions', () => {
  it.each(TASK_STATUSES)('lists the moves out of %s that canTransition allows', (from) => {
    expect([...allowedTransitions(from)].sort()).toEqual([...EXPECTED[from]].sort());
    for (const to of allowedTransitions(from)) expect(canTransition(from, to)).toBe(true);
  });

  it('has nothing out of succeeded', () => {
    expect(allowedTransitions('succeeded')).toEqual([]);
  });

  it('lets cancelling end only as cancelled', () => {
    expect(allowedTransitions('cancelling')).toEqual(['cancelled']);
  });

  it('leaves failed and cancelled only by a retry by hand (back to queued)', () => {
    expect(allowedTransitions('failed')).toEqual(['queued']);
    expect(allowedTransitions('cancelled')).toEqual(['queued']);
  });
});

describe('the table agrees with the status helpers', () => {
  it.each(TASK_STATUSES.filter(isCancellable))(
    'a cancel request on %s has a move to make',
    (status) => {
      expect(canTransition(status, 'cancelled') || canTransition(status, 'cancelling')).toBe(true);
    },
  );

  it.each(TASK_STATUSES.filter(isRetryable))(
    'a retry by hand of %s can queue it again',
    (status) => {
      expect(isTerminalStatus(status)).toBe(true);
      expect(canTransition(status, 'queued')).toBe(true);
    },
  );

  it.each(TASK_STATUSES.filter(isTerminalStatus))(
    '%s is left only by being queued again, never to be cancelled',
    (status) => {
      expect(allowedTransitions(status).every((to) => to === 'queued')).toBe(true);
      expect(isCancellable(status)).toBe(false);
    },
  );
});
