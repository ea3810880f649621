import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '@/lib/realtime/events';
import { mergeTaskSnapshot, mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import type { TaskView } from '@/lib/tasks/task-view';

const ID = '01900000-0000-7000-8000-000000000001';

function makeTask(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: ID,
    type: 'report.generate',
    queue: 'reports',
    status: 'running',
    progress: 40,
    progressMessage: 'Working',
    payload: { from: '2026-01-01', to: '2026-01-30' },
    result: null,
    error: null,
    attempts: 1,
    maxAttempts: 3,
    seq: 5,
    ownerId: null,
    createdAt: '2026-01-30T10:00:00.000Z',
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
    seq: 6,
    status: 'running',
    progress: 50,
    progressMessage: 'Still working',
    emittedAt: 1_000,
    ...overrides,
  };
}

describe('mergeTaskUpdate', () => {
  it('applies a newer update within the same attempt', () => {
    const task = makeTask();
    const merged = mergeTaskUpdate(task, makeUpdate({ seq: 6, progress: 55 }));

    expect(merged).not.toBe(task);
    expect(merged.seq).toBe(6);
    expect(merged.attempts).toBe(1);
    expect(merged.progress).toBe(55);
    expect(merged.progressMessage).toBe('Still working');
    expect(merged.status).toBe('running');
  });

  it('does not mutate the task it was given', () => {
    const task = makeTask();
    const before = structuredClone(task);
    mergeTaskUpdate(task, makeUpdate({ seq: 9, progress: 90, status: 'succeeded' }));
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

  it('drops a duplicate update (same attempt and seq) and returns the same reference', () => {
    const task = makeTask({ seq: 5, progress: 40 });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ seq: 5, progress: 80, status: 'succeeded', progressMessage: 'Dup' }),
    );
    expect(merged).toBe(task);
  });

  it('drops a stale update with a lower seq in the same attempt', () => {
    const task = makeTask({ seq: 5, status: 'running' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ seq: 4, status: 'queued', progress: 99, progressMessage: 'Old' }),
    );
    expect(merged).toBe(task);
  });

  it('drops an update from an earlier attempt even when its seq is higher', () => {
    const task = makeTask({ attempts: 2, seq: 1, progress: 0, status: 'running' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ attempt: 1, seq: 50, status: 'failed', progress: 70 }),
    );
    expect(merged).toBe(task);
  });

  it('never moves progress backwards within one attempt', () => {
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

  it('lets a new attempt reset progress', () => {
    const task = makeTask({ attempts: 1, seq: 12, progress: 80, status: 'queued' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        attempt: 2,
        seq: 1,
        progress: 0,
        status: 'running',
        progressMessage: 'Started',
      }),
    );
    expect(merged.attempts).toBe(2);
    expect(merged.seq).toBe(1);
    expect(merged.progress).toBe(0);
    expect(merged.status).toBe('running');
    expect(merged.progressMessage).toBe('Started');
  });

  it('orders by attempt first: a new attempt with seq 1 beats seq 100 of the previous one', () => {
    const task = makeTask({ attempts: 1, seq: 100 });
    const merged = mergeTaskUpdate(task, makeUpdate({ attempt: 2, seq: 1, progress: 5 }));
    expect(merged.attempts).toBe(2);
    expect(merged.seq).toBe(1);
    expect(merged.progress).toBe(5);
  });

  it('overwrites progressMessage even with null (it is not optional)', () => {
    const task = makeTask({ progressMessage: 'Working' });
    const merged = mergeTaskUpdate(task, makeUpdate({ progressMessage: null }));
    expect(merged.progressMessage).toBeNull();
  });

  it('leaves optional fields alone when the update omits them', () => {
    const task = makeTask({
      error: { code: 'Boom', message: 'first try failed' },
      result: { rows: 3 },
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/api/v1/tasks/x/result',
    });
    const merged = mergeTaskUpdate(task, makeUpdate());
    expect(merged.error).toEqual({ code: 'Boom', message: 'first try failed' });
    expect(merged.result).toEqual({ rows: 3 });
    expect(merged.startedAt).toBe('2026-01-30T10:00:01.000Z');
    expect(merged.finishedAt).toBe('2026-01-30T10:05:00.000Z');
    expect(merged.resultUrl).toBe('/api/v1/tasks/x/result');
  });

  it('leaves optional fields alone when the update sets them to undefined explicitly', () => {
    const task = makeTask({ error: { code: 'Boom', message: 'x' }, resultUrl: '/r' });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({ error: undefined, resultUrl: undefined, startedAt: undefined }),
    );
    expect(merged.error).toEqual({ code: 'Boom', message: 'x' });
    expect(merged.resultUrl).toBe('/r');
    expect(merged.startedAt).toBe(task.startedAt);
  });

  it('overwrites optional fields when the update defines them, null included', () => {
    const task = makeTask({
      error: { code: 'Boom', message: 'first try failed' },
      result: { old: true },
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/old',
    });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        seq: 7,
        status: 'succeeded',
        progress: 100,
        error: null,
        result: { rows: 12 },
        startedAt: '2026-01-30T11:00:00.000Z',
        finishedAt: null,
        resultUrl: '/api/v1/tasks/abc/result',
      }),
    );
    expect(merged.error).toBeNull();
    expect(merged.result).toEqual({ rows: 12 });
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
    const updates: TaskUpdate[] = [
      makeUpdate({ attempt: 1, seq: 2, progress: 10 }),
      makeUpdate({ attempt: 1, seq: 3, progress: 50 }),
      makeUpdate({
        attempt: 1,
        seq: 4,
        progress: 50,
        status: 'queued',
        error: { code: 'Boom', message: 'retrying' },
      }),
      makeUpdate({ attempt: 2, seq: 1, progress: 0, startedAt: '2026-01-30T10:10:00.000Z' }),
      makeUpdate({ attempt: 2, seq: 2, progress: 35 }),
      makeUpdate({ attempt: 2, seq: 3, progress: 70, progressMessage: 'Almost' }),
    ];
    const start = makeTask({ attempts: 1, seq: 1, progress: 0, startedAt: null });
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
      expect(result.seq).toBe(3);
      expect(result.progress).toBe(70);
      expect(result.progressMessage).toBe('Almost');
      expect(result.status).toBe('running');
    }
    expect(inOrder.attempts).toBe(2);
    expect(inOrder.seq).toBe(3);
    expect(inOrder.progress).toBe(70);
    expect(inOrder.startedAt).toBe('2026-01-30T10:10:00.000Z');
    expect(inOrder.error).toEqual({ code: 'Boom', message: 'retrying' });
  });
});

describe('mergeTaskSnapshot', () => {
  it('replaces the task with a fresher snapshot (higher seq)', () => {
    const task = makeTask({ seq: 5, progress: 40 });
    const snapshot = makeTask({ seq: 8, progress: 90, progressMessage: 'Fresh' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(snapshot);
  });

  it('replaces the task with a snapshot from a newer attempt, even with lower progress', () => {
    const task = makeTask({ attempts: 1, seq: 9, progress: 90 });
    const snapshot = makeTask({ attempts: 2, seq: 1, progress: 0, status: 'running' });
    const merged = mergeTaskSnapshot(task, snapshot);
    expect(merged).toBe(snapshot);
    expect(merged.progress).toBe(0);
  });

  it('ignores a stale snapshot (lower seq) and returns the same reference', () => {
    const task = makeTask({ seq: 5, progress: 40 });
    const snapshot = makeTask({ seq: 4, progress: 99, status: 'succeeded' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(task);
  });

  it('ignores a snapshot from an earlier attempt even with a higher seq', () => {
    const task = makeTask({ attempts: 3, seq: 1 });
    const snapshot = makeTask({ attempts: 2, seq: 40, status: 'failed' });
    expect(mergeTaskSnapshot(task, snapshot)).toBe(task);
  });

  it('ignores a snapshot of another task', () => {
    const task = makeTask();
    const snapshot = makeTask({ id: 'other', seq: 100 });
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
