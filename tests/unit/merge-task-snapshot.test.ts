import { describe, expect, it } from 'vitest';
import { mergeTaskSnapshot, mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import { makeTask, makeUpdate } from './task-fixtures';

describe('mergeTaskSnapshot', () => {
  it('replaces the task with a fresher snapshot (higher seq)', () => {
    const task = makeTask({ seq: 5, progress: 40 });
    const snapshot = makeTask({ seq: 8, progress: 90, progressMessage: 'Fresh' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(snapshot);
  });

  it('replaces the task with a snapshot from a newer revision, even with lower progress', () => {
    const task = makeTask({ revision: 2, seq: 9, progress: 90 });
    const snapshot = makeTask({ attempts: 2, revision: 4, seq: 0, progress: 0, status: 'running' });
    const merged = mergeTaskSnapshot(task, snapshot);
    expect(merged).toBe(snapshot);
    expect(merged.progress).toBe(0);
  });

  it('replaces a running task with a cancelling snapshot of the next revision', () => {
    const task = makeTask({ revision: 2, seq: 40, progress: 80 });
    const snapshot = makeTask({
      revision: 3,
      seq: 0,
      progress: 75,
      status: 'cancelling',
      cancelRequestedAt: '2026-01-30T10:02:00.000Z',
    });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(snapshot);
  });

  it('ignores a stale snapshot (lower seq) and returns the same reference', () => {
    const task = makeTask({ seq: 5, progress: 40 });
    const snapshot = makeTask({ seq: 4, progress: 99, status: 'succeeded' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(task);
  });

  it('ignores a snapshot from an earlier revision even with a higher seq', () => {
    const task = makeTask({ attempts: 3, revision: 6, seq: 1 });
    const snapshot = makeTask({ attempts: 2, revision: 4, seq: 40, status: 'running' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(task);
  });

  it('ignores a snapshot of another task', () => {
    const task = makeTask();
    const snapshot = makeTask({ id: 'other', revision: 9, seq: 100 });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(task);
  });

  it('takes an equal-order snapshot but keeps the higher progress already shown', () => {
    const task = makeTask({ seq: 5, progress: 70 });
    const snapshot = makeTask({ seq: 5, progress: 40, progressMessage: 'From the database' });
    const merged = mergeTaskSnapshot(task, snapshot);
    expect(merged.progress).toBe(70);
    expect(merged.progressMessage).toBe('From the database');
    expect(merged.seq).toBe(5);
  });

  it('takes the snapshot progress at equal order when it is the higher one', () => {
    const task = makeTask({ seq: 5, progress: 20 });
    const snapshot = makeTask({ seq: 5, progress: 45 });
    expect(mergeTaskSnapshot(task, snapshot).progress).toBe(45);
  });

  it('does not mutate either argument', () => {
    const task = makeTask({ seq: 5, progress: 70 });
    const snapshot = makeTask({ seq: 5, progress: 40 });
    const taskBefore = structuredClone(task);
    const snapshotBefore = structuredClone(snapshot);
    mergeTaskSnapshot(task, snapshot);
    expect(task).toEqual(taskBefore);
    expect(snapshot).toEqual(snapshotBefore);
  });

  it('lets later updates continue from a snapshot', () => {
    const task = makeTask({ seq: 2, progress: 10 });
    const fromSnapshot = mergeTaskSnapshot(task, makeTask({ seq: 6, progress: 60 }));
    // An update that was overtaken by the snapshot is dropped...
    expect(mergeTaskUpdate(fromSnapshot, makeUpdate({ seq: 4, progress: 30 }))).toBe(fromSnapshot);
    // ...and the next one applies.
    const next = mergeTaskUpdate(fromSnapshot, makeUpdate({ seq: 7, progress: 65 }));
    expect(next.seq).toBe(7);
    expect(next.progress).toBe(65);
  });
});
