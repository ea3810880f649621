import { describe, expect, it } from 'vitest';
import {
  createTaskList,
  reduceTaskList,
  type TaskListAction,
  type TaskListState,
} from '@/lib/realtime/task-list';
import { makeProgressUpdate, makeQueuedTask, T1, T2, T3, taskIn } from './task-fixtures';

// Live updates into the list, alone and interleaved with snapshots in any order.

describe('reduceTaskList', () => {
  describe('update', () => {
    it('merges an update into the matching task', () => {
      const initial = createTaskList([makeQueuedTask('a', T1), makeQueuedTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'update',
        update: makeProgressUpdate('a', {
          attempt: 1,
          revision: 2,
          seq: 1,
          progress: 25,
          progressMessage: 'Going',
        }),
      });
      expect(next).not.toBe(initial);
      expect(taskIn(next, 'a')).toMatchObject({
        status: 'running',
        progress: 25,
        progressMessage: 'Going',
        attempts: 1,
        revision: 2,
        seq: 1,
      });
      // The other task is untouched and the order does not change.
      expect(taskIn(next, 'b')).toBe(taskIn(initial, 'b'));
      expect(next.ids).toBe(initial.ids);
    });

    it('ignores an update for an unknown id and returns the same state', () => {
      const initial = createTaskList([makeQueuedTask('a', T1)]);
      const next = reduceTaskList(initial, { kind: 'update', update: makeProgressUpdate('nope') });
      expect(next).toBe(initial);
      expect(next.byId['nope']).toBeUndefined();
    });

    it('returns the same state for a duplicate update', () => {
      const update = makeProgressUpdate('a', { attempt: 1, revision: 2, seq: 1, progress: 10 });
      const once = reduceTaskList(createTaskList([makeQueuedTask('a', T1)]), {
        kind: 'update',
        update,
      });
      const twice = reduceTaskList(once, { kind: 'update', update });
      expect(twice).toBe(once);
    });

    it('returns the same state for a stale update', () => {
      const initial = createTaskList([
        makeQueuedTask('a', T1, {
          attempts: 2,
          revision: 4,
          seq: 3,
          status: 'running',
          progress: 50,
        }),
      ]);
      const stale = makeProgressUpdate('a', { attempt: 2, revision: 4, seq: 2, progress: 90 });
      expect(reduceTaskList(initial, { kind: 'update', update: stale })).toBe(initial);
      // The first attempt's failure (revision 3), arriving after the second attempt started.
      const older = makeProgressUpdate('a', {
        attempt: 1,
        revision: 3,
        seq: 0,
        progress: 90,
        status: 'retrying',
      });
      expect(reduceTaskList(initial, { kind: 'update', update: older })).toBe(initial);
    });
  });

  describe('out-of-order delivery', () => {
    const tasks = [makeQueuedTask('a', T1), makeQueuedTask('b', T2), makeQueuedTask('c', T3)];
    // 'a' runs once and succeeds; 'b' fails its first attempt, waits out the backoff and is
    // running its second. Status changes open a revision at seq 0, progress counts on from 1.
    const actions: TaskListAction[] = [
      { kind: 'update', update: makeProgressUpdate('a', { revision: 2, seq: 1, progress: 10 }) },
      { kind: 'update', update: makeProgressUpdate('a', { revision: 2, seq: 2, progress: 60 }) },
      {
        kind: 'update',
        update: makeProgressUpdate('a', {
          attempt: 1,
          revision: 3,
          seq: 0,
          status: 'succeeded',
          progress: 100,
          progressMessage: 'Done',
          result: { rows: 7 },
          finishedAt: '2026-02-01T10:01:00.000Z',
        }),
      },
      { kind: 'update', update: makeProgressUpdate('b', { revision: 2, seq: 1, progress: 20 }) },
      {
        kind: 'update',
        update: makeProgressUpdate('b', {
          attempt: 1,
          revision: 3,
          seq: 0,
          status: 'retrying',
          progress: 20,
          error: { code: 'Boom', message: 'will retry' },
          retryAt: '2026-02-01T11:00:05.000Z',
        }),
      },
      {
        kind: 'update',
        update: makeProgressUpdate('b', {
          attempt: 2,
          revision: 4,
          seq: 0,
          progress: 0,
          error: null,
          retryAt: null,
        }),
      },
      {
        kind: 'update',
        update: makeProgressUpdate('b', { attempt: 2, revision: 4, seq: 1, progress: 45 }),
      },
      // A snapshot of 'b' that is older than the last update above.
      {
        kind: 'snapshots',
        tasks: [
          makeQueuedTask('b', T2, {
            attempts: 2,
            revision: 4,
            seq: 0,
            status: 'running',
            progress: 0,
          }),
        ],
      },
      // A task created meanwhile, and an update for a task we never saw.
      { kind: 'snapshots', tasks: [makeQueuedTask('d', '2026-02-01T13:00:00.000Z')] },
      { kind: 'update', update: makeProgressUpdate('ghost', { seq: 5 }) },
    ];

    function check(state: TaskListState): void {
      expect(state.ids).toEqual(['d', 'c', 'b', 'a']);
      expect(taskIn(state, 'a')).toMatchObject({
        status: 'succeeded',
        progress: 100,
        progressMessage: 'Done',
        result: { rows: 7 },
        finishedAt: '2026-02-01T10:01:00.000Z',
        attempts: 1,
        revision: 3,
        seq: 0,
      });
      expect(taskIn(state, 'b')).toMatchObject({
        status: 'running',
        progress: 45,
        attempts: 2,
        revision: 4,
        seq: 1,
      });
      expect(taskIn(state, 'c')).toEqual(tasks[2]);
      expect(taskIn(state, 'd').status).toBe('queued');
      expect(state.byId['ghost']).toBeUndefined();
    }

    it('reaches the expected state in arrival order', () => {
      check(actions.reduce(reduceTaskList, createTaskList(tasks)));
    });

    it('reaches the same state in reverse order', () => {
      check([...actions].reverse().reduce(reduceTaskList, createTaskList(tasks)));
    });

    it('reaches the same state in several interleavings', () => {
      const orders = [
        [2, 0, 1, 6, 3, 5, 4, 7, 8, 9],
        [8, 6, 7, 9, 5, 4, 2, 3, 1, 0],
        [1, 7, 2, 8, 0, 3, 4, 6, 9, 5],
        [9, 9, 2, 2, 6, 6, 8, 8, 0, 7],
      ];
      for (const order of orders) {
        const shuffled = order.map((index) => {
          const action = actions[index];
          if (!action) throw new Error(`no action ${index}`);
          return action;
        });
        check(shuffled.reduce(reduceTaskList, createTaskList(tasks)));
      }
    });
  });
});
