import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '@/lib/realtime/events';
import { mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import { makeTask, makeUpdate } from './task-fixtures';

// Which update wins, by (revision, seq), and how progress moves. The optional fields an update
// may carry are in merge-task-update-fields.test.ts, whole snapshots in
// merge-task-snapshot.test.ts.

describe('mergeTaskUpdate', () => {
  it('applies a newer update within the same revision', () => {
    const task = makeTask();
    const merged = mergeTaskUpdate(task, makeUpdate({ seq: 6, progress: 55 }));

    expect(merged).not.toBe(task);
    expect(merged.revision).toBe(2);
    expect(merged.seq).toBe(6);
    expect(merged.attempts).toBe(1);
    expect(merged.progress).toBe(55);
    expect(merged.progressMessage).toBe('Still working');
    expect(merged.status).toBe('running');
  });

  it('does not mutate the task it was given', () => {
    const task = makeTask();
    const before = structuredClone(task);
    mergeTaskUpdate(task, makeUpdate({ revision: 3, seq: 0, progress: 100, status: 'succeeded' }));
    expect(task).toEqual(before);
  });

  it('ignores an update for another task id', () => {
    const task = makeTask();
    const merged = mergeTaskUpdate(task, makeUpdate({ id: 'someone-else', seq: 99, progress: 99 }));
    expect(merged).toBe(task);
  });

  it('drops a duplicate update (same revision and seq) and returns the same reference', () => {
    const task = makeTask({ revision: 2, seq: 5, progress: 40 });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        revision: 2,
        seq: 5,
        progress: 80,
        status: 'succeeded',
        progressMessage: 'Dup',
      }),
    );
    expect(merged).toBe(task);
  });

  it('drops a stale update with a lower seq in the same revision', () => {
    const task = makeTask({ seq: 5, status: 'running' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ seq: 4, status: 'queued', progress: 99, progressMessage: 'Old' }),
    );
    expect(merged).toBe(task);
  });

  it('drops an update from an earlier revision even when its seq is higher', () => {
    // Revision 4 is the second attempt's `running`; revision 2 was the first attempt's.
    const task = makeTask({ attempts: 2, revision: 4, seq: 1, progress: 0, status: 'running' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ attempt: 1, revision: 2, seq: 50, status: 'running', progress: 70 }),
    );
    expect(merged).toBe(task);
  });

  it('never moves progress backwards within one revision', () => {
    const task = makeTask({ seq: 5, progress: 60 });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ seq: 6, progress: 30, progressMessage: 'Later message' }),
    );
    // The newer event still wins for everything else.
    expect(merged.seq).toBe(6);
    expect(merged.progressMessage).toBe('Later message');
    expect(merged.progress).toBe(60);
  });

  it('lets a new revision reset progress (the next attempt starts at 0)', () => {
    const task = makeTask({ revision: 3, seq: 0, progress: 80, status: 'retrying' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        attempt: 2,
        revision: 4,
        seq: 0,
        progress: 0,
        status: 'running',
        progressMessage: 'Started',
      }),
    );
    expect(merged.attempts).toBe(2);
    expect(merged.revision).toBe(4);
    expect(merged.seq).toBe(0);
    expect(merged.progress).toBe(0);
    expect(merged.status).toBe('running');
    expect(merged.progressMessage).toBe('Started');
  });

  it('orders by revision first: a new revision with seq 0 beats seq 100 of the previous one', () => {
    const task = makeTask({ revision: 2, seq: 100 });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ attempt: 2, revision: 3, seq: 0, progress: 5 }),
    );
    expect(merged.revision).toBe(3);
    expect(merged.seq).toBe(0);
    expect(merged.progress).toBe(5);
  });

  it('keeps the progress shown when a status change of the same attempt carries less', () => {
    // A status set elsewhere (cancelling) carries Postgres's progress, which trails the live one.
    const task = makeTask({ revision: 2, seq: 30, progress: 85 });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ revision: 3, seq: 0, status: 'cancelling', progress: 60 }),
    );
    expect(merged.status).toBe('cancelling');
    expect(merged.progress).toBe(85);
  });

  describe('a cancel racing progress', () => {
    // The cancel request is a status change: it takes the next revision, at seq 0, and carries
    // the persisted state, while the worker may still publish reports of the running revision.
    const cancelling = makeUpdate({
      revision: 3,
      seq: 0,
      status: 'cancelling',
      progress: 40,
      progressMessage: 'Working',
      cancelRequestedAt: '2026-01-30T10:02:00.000Z',
    });
    const lateProgress = makeUpdate({
      revision: 2,
      seq: 60,
      progress: 90,
      progressMessage: 'Late',
    });

    it('lets the cancelling status beat progress of the earlier revision with a high seq', () => {
      const task = makeTask({ revision: 2, seq: 5 });
      const shown = mergeTaskUpdate(task, makeUpdate({ revision: 2, seq: 50, progress: 85 }));
      const merged = mergeTaskUpdate(shown, cancelling);
      expect(merged).toMatchObject({
        status: 'cancelling',
        revision: 3,
        seq: 0,
        // The bar never goes back within an attempt.
        progress: 85,
        progressMessage: 'Working',
        cancelRequestedAt: '2026-01-30T10:02:00.000Z',
      });
    });

    it('keeps the cancelling status when older progress arrives after it, taking only its progress', () => {
      const afterCancel = mergeTaskUpdate(makeTask(), cancelling);
      const merged = mergeTaskUpdate(afterCancel, lateProgress);
      expect(merged).toMatchObject({
        status: 'cancelling',
        revision: 3,
        seq: 0,
        progress: 90,
        progressMessage: 'Working',
      });
    });

    it('drops an older report that carries no more progress, returning the same reference', () => {
      const afterCancel = mergeTaskUpdate(makeTask(), cancelling);
      const stale = makeUpdate({ revision: 2, seq: 61, progress: 30 });
      expect(mergeTaskUpdate(afterCancel, stale)).toBe(afterCancel);
    });

    it('ends cancelling whichever order the two arrive in', () => {
      const task = makeTask();
      const oneWay = mergeTaskUpdate(mergeTaskUpdate(task, lateProgress), cancelling);
      const otherWay = mergeTaskUpdate(mergeTaskUpdate(task, cancelling), lateProgress);
      expect(oneWay).toEqual(otherWay);
      expect(oneWay.status).toBe('cancelling');
    });
  });

  it('reaches the same state whatever order a shuffled stream of updates arrives in', () => {
    // One failed attempt, its backoff, then the second attempt: status changes at seq 0 of
    // revisions 2, 3 and 4, progress reports counting from 1 within each running revision.
    const updates: TaskUpdate[] = [
      makeUpdate({ attempt: 1, revision: 2, seq: 1, progress: 10 }),
      makeUpdate({ attempt: 1, revision: 2, seq: 2, progress: 50 }),
      makeUpdate({
        attempt: 1,
        revision: 3,
        seq: 0,
        progress: 50,
        status: 'retrying',
        error: { code: 'Boom', message: 'retrying' },
        retryAt: '2026-01-30T10:09:59.000Z',
      }),
      makeUpdate({
        attempt: 2,
        revision: 4,
        seq: 0,
        progress: 0,
        error: null,
        retryAt: null,
        startedAt: '2026-01-30T10:10:00.000Z',
      }),
      makeUpdate({ attempt: 2, revision: 4, seq: 1, progress: 35 }),
      makeUpdate({ attempt: 2, revision: 4, seq: 2, progress: 70, progressMessage: 'Almost' }),
    ];
    const start = makeTask({ revision: 2, seq: 0, progress: 0, startedAt: null });
    const inOrder = updates.reduce(mergeTaskUpdate, start);

    const orders = [
      [5, 4, 3, 2, 1, 0],
      [3, 0, 5, 1, 4, 2],
      [2, 5, 0, 3, 1, 4],
      [4, 4, 1, 5, 5, 0],
    ];
    for (const order of orders) {
      const shuffled = order.map((index) => {
        const update = updates[index];
        if (!update) throw new Error(`no update ${index}`);
        return update;
      });
      const result = shuffled.reduce(mergeTaskUpdate, start);
      expect(result.attempts).toBe(2);
      expect(result.revision).toBe(4);
      expect(result.seq).toBe(2);
      expect(result.progress).toBe(70);
      expect(result.progressMessage).toBe('Almost');
      expect(result.status).toBe('running');
    }
    expect(inOrder.attempts).toBe(2);
    expect(inOrder.revision).toBe(4);
    expect(inOrder.seq).toBe(2);
    expect(inOrder.progress).toBe(70);
    expect(inOrder.startedAt).toBe('2026-01-30T10:10:00.000Z');
    expect(inOrder.error).toBeNull();
    expect(inOrder.retryAt).toBeNull();
  });
});
