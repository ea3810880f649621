import { describe, expect, it } from 'vitest';
import { createTaskList, reduceTaskList } from '@/lib/realtime/task-list';
import { makeQueuedTask, T1, T2, T3, taskIn } from './task-fixtures';

// Building the list and merging pages and snapshots into it; updates are in
// task-list-update.test.ts.

describe('createTaskList', () => {
  it('starts empty', () => {
    expect(createTaskList([])).toEqual({ ids: [], byId: {} });
  });

  it('orders tasks newest first by createdAt', () => {
    const state = createTaskList([
      makeQueuedTask('b', T2),
      makeQueuedTask('c', T3),
      makeQueuedTask('a', T1),
    ]);
    expect(state.ids).toEqual(['c', 'b', 'a']);
    expect(Object.keys(state.byId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('breaks createdAt ties by id, highest id first', () => {
    const state = createTaskList([
      makeQueuedTask('0190-aaa', T1),
      makeQueuedTask('0190-ccc', T1),
      makeQueuedTask('0190-bbb', T1),
      makeQueuedTask('0190-zzz', T2),
    ]);
    expect(state.ids).toEqual(['0190-zzz', '0190-ccc', '0190-bbb', '0190-aaa']);
  });

  it('keeps one entry per id when the input repeats one', () => {
    const state = createTaskList([
      makeQueuedTask('a', T1, { revision: 1, seq: 0, status: 'queued' }),
      makeQueuedTask('a', T1, { attempts: 1, revision: 2, seq: 3, status: 'running' }),
      makeQueuedTask('b', T2),
    ]);
    expect(state.ids).toEqual(['b', 'a']);
    expect(taskIn(state, 'a').status).toBe('running');
  });
});

describe('reduceTaskList', () => {
  describe('snapshots and append-page', () => {
    it('inserts new tasks in newest-first position', () => {
      const initial = createTaskList([makeQueuedTask('a', T1), makeQueuedTask('c', T3)]);
      const next = reduceTaskList(initial, { kind: 'snapshots', tasks: [makeQueuedTask('b', T2)] });
      expect(next.ids).toEqual(['c', 'b', 'a']);
      expect(taskIn(next, 'b').createdAt).toBe(T2);
    });

    it('appends an older page below what is shown', () => {
      const initial = createTaskList([makeQueuedTask('c', T3), makeQueuedTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'append-page',
        tasks: [makeQueuedTask('a', T1), makeQueuedTask('0', '2026-01-31T23:00:00.000Z')],
      });
      expect(next.ids).toEqual(['c', 'b', 'a', '0']);
    });

    it('does not duplicate a task that arrives again in a later page', () => {
      const initial = createTaskList([makeQueuedTask('c', T3), makeQueuedTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'append-page',
        tasks: [makeQueuedTask('b', T2), makeQueuedTask('a', T1)],
      });
      expect(next.ids).toEqual(['c', 'b', 'a']);
      expect(new Set(next.ids).size).toBe(next.ids.length);
    });

    it('merges a fresher snapshot of a known task', () => {
      const initial = createTaskList([makeQueuedTask('a', T1)]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [
          makeQueuedTask('a', T1, {
            attempts: 1,
            revision: 2,
            seq: 4,
            status: 'running',
            progress: 30,
          }),
        ],
      });
      expect(taskIn(next, 'a')).toMatchObject({
        status: 'running',
        progress: 30,
        revision: 2,
        seq: 4,
      });
      expect(next.ids).toEqual(['a']);
    });

    it('ignores a stale snapshot of a known task', () => {
      const initial = createTaskList([
        makeQueuedTask('a', T1, {
          attempts: 1,
          revision: 3,
          seq: 0,
          status: 'succeeded',
          progress: 100,
        }),
      ]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        // A higher seq, but of the earlier (running) revision.
        tasks: [
          makeQueuedTask('a', T1, {
            attempts: 1,
            revision: 2,
            seq: 30,
            status: 'running',
            progress: 20,
          }),
        ],
      });
      expect(taskIn(next, 'a')).toMatchObject({
        status: 'succeeded',
        progress: 100,
        revision: 3,
        seq: 0,
      });
      expect(taskIn(next, 'a')).toBe(taskIn(initial, 'a'));
      expect(next.ids).toEqual(initial.ids);
    });

    it('returns the same state for an empty list of tasks', () => {
      const initial = createTaskList([makeQueuedTask('a', T1)]);
      expect(reduceTaskList(initial, { kind: 'snapshots', tasks: [] })).toBe(initial);
      expect(reduceTaskList(initial, { kind: 'append-page', tasks: [] })).toBe(initial);
    });

    it('returns the same state when every snapshot is stale (nothing changes)', () => {
      const initial = createTaskList([
        makeQueuedTask('a', T1, {
          attempts: 1,
          revision: 2,
          seq: 9,
          status: 'running',
          progress: 80,
        }),
        makeQueuedTask('b', T2, {
          attempts: 2,
          revision: 4,
          seq: 3,
          status: 'running',
          progress: 10,
        }),
      ]);
      const stale = [
        // A lower seq of the same revision; a higher seq of an earlier revision.
        makeQueuedTask('a', T1, {
          attempts: 1,
          revision: 2,
          seq: 4,
          status: 'running',
          progress: 20,
        }),
        makeQueuedTask('b', T2, {
          attempts: 1,
          revision: 2,
          seq: 7,
          status: 'running',
          progress: 90,
        }),
      ];
      expect(reduceTaskList(initial, { kind: 'snapshots', tasks: stale })).toBe(initial);
      expect(reduceTaskList(initial, { kind: 'append-page', tasks: stale })).toBe(initial);
    });

    it('keeps the ids array when no new id was added', () => {
      const initial = createTaskList([makeQueuedTask('a', T1), makeQueuedTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [makeQueuedTask('a', T1, { attempts: 1, revision: 2, seq: 0, status: 'running' })],
      });
      expect(next.ids).toBe(initial.ids);
    });

    it('does not mutate the previous state', () => {
      const initial = createTaskList([makeQueuedTask('a', T1)]);
      const before = structuredClone(initial);
      reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [
          makeQueuedTask('b', T2),
          makeQueuedTask('a', T1, { attempts: 1, revision: 2, seq: 5, status: 'running' }),
        ],
      });
      expect(initial).toEqual(before);
    });
  });
});
