import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '@/lib/realtime/events';
import { mergeTaskSnapshot, mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import type { TaskView } from '@/lib/tasks/task-view';

const ID = '01900000-0000-7000-8000-000000000001';

// The task is running its first attempt: revision 1 was `queued`, revision 2 is `running`,
// and five progress reports of revision 2 have been shown.
function makeTask(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: ID,
    type: 'report.generate',
    queue: 'reports',
    status: 'running',
    priority: 'normal',
    progress: 40,
    progressMessage: 'Working',
    payload: { from: '2026-01-01', to: '2026-01-30' },
    result: null,
    error: null,
    attempts: 1,
    maxAttempts: 3,
    revision: 2,
    seq: 5,
    ownerId: null,
    createdAt: '2026-01-30T10:00:00.000Z',
    runAt: null,
    retryAt: null,
    cancelRequestedAt: null,
    startedAt: '2026-01-30T10:00:01.000Z',
    finishedAt: null,
    resultUrl: null,
    ...overrides,
  };
}

function makeUpdate(overrides: Partial<TaskUpdate> = {}): TaskUpdate {
  return {
    id: ID,
    attempt: 1,
    revision: 2,
    seq: 6,
    status: 'running',
    progress: 50,
    progressMessage: 'Still working',
    emittedAt: 1_000,
    ...overrides,
  };
}

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

  it('keeps fields the update does not carry (type, payload, createdAt, ...)', () => {
    const task = makeTask();
    const merged = mergeTaskUpdate(task, makeUpdate());
    expect(merged.type).toBe(task.type);
    expect(merged.queue).toBe(task.queue);
    expect(merged.payload).toBe(task.payload);
    expect(merged.createdAt).toBe(task.createdAt);
    expect(merged.maxAttempts).toBe(task.maxAttempts);
    expect(merged.ownerId).toBe(task.ownerId);
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

  it('overwrites progressMessage even with null (it is not optional)', () => {
    const task = makeTask({ progressMessage: 'Working' });
    const merged = mergeTaskUpdate(task, makeUpdate({ progressMessage: null }));
    expect(merged.progressMessage).toBeNull();
  });

  it('leaves optional fields alone when the update omits them', () => {
    const task = makeTask({
      priority: 'high',
      error: { code: 'Boom', message: 'first try failed' },
      result: { rows: 3 },
      runAt: '2026-01-30T09:59:00.000Z',
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: '2026-01-30T10:04:00.000Z',
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/api/v1/tasks/x/result',
    });
    const merged = mergeTaskUpdate(task, makeUpdate());
    expect(merged.priority).toBe('high');
    expect(merged.error).toEqual({ code: 'Boom', message: 'first try failed' });
    expect(merged.result).toEqual({ rows: 3 });
    expect(merged.runAt).toBe('2026-01-30T09:59:00.000Z');
    expect(merged.retryAt).toBe('2026-01-30T10:00:30.000Z');
    expect(merged.cancelRequestedAt).toBe('2026-01-30T10:04:00.000Z');
    expect(merged.startedAt).toBe('2026-01-30T10:00:01.000Z');
    expect(merged.finishedAt).toBe('2026-01-30T10:05:00.000Z');
    expect(merged.resultUrl).toBe('/api/v1/tasks/x/result');
  });

  it('leaves optional fields alone when the update sets them to undefined explicitly', () => {
    const task = makeTask({
      priority: 'urgent',
      error: { code: 'Boom', message: 'x' },
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: '2026-01-30T10:04:00.000Z',
      resultUrl: '/r',
    });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        priority: undefined,
        error: undefined,
        runAt: undefined,
        retryAt: undefined,
        cancelRequestedAt: undefined,
        resultUrl: undefined,
        startedAt: undefined,
      }),
    );
    expect(merged.priority).toBe('urgent');
    expect(merged.error).toEqual({ code: 'Boom', message: 'x' });
    expect(merged.runAt).toBe(task.runAt);
    expect(merged.retryAt).toBe('2026-01-30T10:00:30.000Z');
    expect(merged.cancelRequestedAt).toBe('2026-01-30T10:04:00.000Z');
    expect(merged.resultUrl).toBe('/r');
    expect(merged.startedAt).toBe(task.startedAt);
  });

  it('overwrites optional fields when the update defines them, null included', () => {
    const task = makeTask({
      priority: 'low',
      error: { code: 'Boom', message: 'first try failed' },
      result: { old: true },
      runAt: '2026-01-30T09:59:00.000Z',
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: null,
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/old',
    });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        revision: 3,
        seq: 0,
        status: 'succeeded',
        progress: 100,
        priority: 'urgent',
        error: null,
        result: { rows: 12 },
        runAt: null,
        retryAt: null,
        cancelRequestedAt: '2026-01-30T11:00:05.000Z',
        startedAt: '2026-01-30T11:00:00.000Z',
        finishedAt: null,
        resultUrl: '/api/v1/tasks/abc/result',
      }),
    );
    expect(merged.priority).toBe('urgent');
    expect(merged.error).toBeNull();
    expect(merged.result).toEqual({ rows: 12 });
    expect(merged.runAt).toBeNull();
    expect(merged.retryAt).toBeNull();
    expect(merged.cancelRequestedAt).toBe('2026-01-30T11:00:05.000Z');
    expect(merged.startedAt).toBe('2026-01-30T11:00:00.000Z');
    expect(merged.finishedAt).toBeNull();
    expect(merged.resultUrl).toBe('/api/v1/tasks/abc/result');
    expect(merged.status).toBe('succeeded');
    expect(merged.progress).toBe(100);
  });

  it('treats a defined falsy result (0, false, empty string) as a value, not as absent', () => {
    const task = makeTask({ result: { rows: 1 } });
    expect(mergeTaskUpdate(task, makeUpdate({ result: 0 })).result).toBe(0);
    expect(mergeTaskUpdate(task, makeUpdate({ result: false })).result).toBe(false);
    expect(mergeTaskUpdate(task, makeUpdate({ result: '' })).result).toBe('');
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
