import { describe, expect, it } from 'vitest';
import { matchTask, mayEnterList } from '@/lib/realtime/admin-list-filter';
import { makeTask, makeUpdate } from './task-fixtures';

// The live admin lists re-read their page only when an event may change which rows it holds:
// these rules decide that, so a wrong answer is a stale list (a "no" that should be "maybe")
// or a refetch per event (a "maybe" that should be "no").

describe('matchTask', () => {
  const task = makeTask({ status: 'queued', queue: 'reports', type: 'report.generate' });

  it('passes a task no filter excludes, and fails it on any filter it does not meet', () => {
    expect(matchTask({}, task)).toBe('yes');
    expect(matchTask({ status: 'queued,running', queue: 'reports' }, task)).toBe('yes');
    expect(matchTask({ status: 'failed' }, task)).toBe('no');
    expect(matchTask({ queue: 'files' }, task)).toBe('no');
    expect(matchTask({ type: 'file.process' }, task)).toBe('no');
  });

  it('reads created and finished bounds as the server does (no offset is UTC)', () => {
    expect(matchTask({ from: '2026-01-30T09:59' }, task)).toBe('yes');
    expect(matchTask({ from: '2026-01-30T10:01' }, task)).toBe('no');
    expect(matchTask({ to: '2026-01-30T10:00' }, task)).toBe('no');
    // Not finished: outside every finished window.
    expect(matchTask({ finishedFrom: '2026-01-01T00:00Z' }, task)).toBe('no');
    const done = makeTask({ status: 'failed', finishedAt: '2026-01-30T10:05:00.000Z' });
    expect(matchTask({ status: 'failed', finishedFrom: '2026-01-30T10:00:00Z' }, done)).toBe('yes');
    expect(matchTask({ finishedTo: '2026-01-30T10:05:00Z' }, done)).toBe('no');
  });

  it('says maybe where only the server can tell: an owner by email, a payload search', () => {
    const owned = makeTask({ ownerId: 'user-1' });
    expect(matchTask({ owner: 'someone@example.com' }, owned)).toBe('maybe');
    expect(matchTask({ owner: 'user-1' }, owned)).toBe('yes');
    expect(matchTask({ owner: 'user-2' }, owned)).toBe('no');
    expect(matchTask({ q: 'activity' }, owned)).toBe('maybe');
    expect(matchTask({ q: owned.id.toUpperCase() }, owned)).toBe('yes');
    expect(matchTask({ q: '01900000-0000-7000-8000-000000000999' }, owned)).toBe('no');
    // A definite no wins over a maybe.
    expect(matchTask({ owner: 'a@example.com', status: 'failed' }, owned)).toBe('no');
  });
});

describe('mayEnterList', () => {
  it('only a status change into a filtered status can bring a task in', () => {
    const failed = makeUpdate({ status: 'failed', seq: 0 });
    expect(mayEnterList({ status: 'failed' }, failed)).toBe(true);
    expect(mayEnterList({ status: 'queued' }, failed)).toBe(false);
    // Progress reports (seq > 0) never change membership.
    expect(mayEnterList({ status: 'running' }, makeUpdate({ status: 'running', seq: 3 }))).toBe(
      false,
    );
  });

  it('without a status or finished filter, an update never adds a row', () => {
    expect(mayEnterList({}, makeUpdate({ status: 'failed', seq: 0 }))).toBe(false);
    expect(mayEnterList({ queue: 'reports' }, makeUpdate({ status: 'failed', seq: 0 }))).toBe(
      false,
    );
    expect(
      mayEnterList({ finishedFrom: '2026-01-30T10:00Z' }, makeUpdate({ status: 'failed', seq: 0 })),
    ).toBe(true);
  });
});
