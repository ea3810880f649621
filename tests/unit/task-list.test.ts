import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '@/lib/realtime/events';
import {
  createTaskList,
  reduceTaskList,
  type TaskListAction,
  type TaskListState,
} from '@/lib/realtime/task-list';
import type { TaskView } from '@/lib/tasks/task-view';

function makeTask(id: string, createdAt: string, overrides: Partial<TaskView> = {}): TaskView {
  return {
    id,
    type: 'demo.sleep',
    queue: 'default',
    status: 'queued',
    priority: 'normal',
    progress: 0,
    progressMessage: null,
    payload: {},
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: 3,
    // Just submitted: the first status (queued) is revision 1.
    revision: 1,
    seq: 0,
    ownerId: null,
    createdAt,
    runAt: null,
    retryAt: null,
    cancelRequestedAt: null,
    startedAt: null,
    finishedAt: null,
    resultUrl: null,
    ...overrides,
  };
}

function makeUpdate(id: string, overrides: Partial<TaskUpdate> = {}): TaskUpdate {
  return {
    id,
    attempt: 1,
    // The first progress report of the first attempt, whose `running` status is revision 2.
    revision: 2,
    seq: 1,
    status: 'running',
    progress: 10,
    progressMessage: null,
    emittedAt: 0,
    ...overrides,
  };
}

function taskIn(state: TaskListState, id: string): TaskView {
  const task = state.byId[id];
  if (!task) throw new Error(`task ${id} is not in the list`);
  return task;
}

const T1 = '2026-02-01T10:00:00.000Z';
const T2 = '2026-02-01T11:00:00.000Z';
const T3 = '2026-02-01T12:00:00.000Z';

describe('createTaskList', () => {
  it('starts empty', () => {
    expect(createTaskList([])).toEqual({ ids: [], byId: {} });
  });

  it('orders tasks newest first by createdAt', () => {
    const state = createTaskList([makeTask('b', T2), makeTask('c', T3), makeTask('a', T1)]);
    expect(state.ids).toEqual(['c', 'b', 'a']);
    expect(Object.keys(state.byId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('breaks createdAt ties by id, highest id first', () => {
    const state = createTaskList([
      makeTask('0190-aaa', T1),
      makeTask('0190-ccc', T1),
      makeTask('0190-bbb', T1),
      makeTask('0190-zzz', T2),
    ]);
    expect(state.ids).toEqual(['0190-zzz', '0190-ccc', '0190-bbb', '0190-aaa']);
  });

  it('keeps one entry per id when the input repeats one', () => {
    const state = createTaskList([
      makeTask('a', T1, { revision: 1, seq: 0, status: 'queued' }),
      makeTask('a', T1, { attempts: 1, revision: 2, seq: 3, status: 'running' }),
      makeTask('b', T2),
    ]);
    expect(state.ids).toEqual(['b', 'a']);
    expect(taskIn(state, 'a').status).toBe('running');
  });
});

describe('reduceTaskList', () => {
  describe('snapshots and append-page', () => {
    it('inserts new tasks in newest-first position', () => {
      const initial = createTaskList([makeTask('a', T1), makeTask('c', T3)]);
      const next = reduceTaskList(initial, { kind: 'snapshots', tasks: [makeTask('b', T2)] });
      expect(next.ids).toEqual(['c', 'b', 'a']);
      expect(taskIn(next, 'b').createdAt).toBe(T2);
    });

    it('appends an older page below what is shown', () => {
      const initial = createTaskList([makeTask('c', T3), makeTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'append-page',
        tasks: [makeTask('a', T1), makeTask('0', '2026-01-31T23:00:00.000Z')],
      });
      expect(next.ids).toEqual(['c', 'b', 'a', '0']);
    });

    it('does not duplicate a task that arrives again in a later page', () => {
      const initial = createTaskList([makeTask('c', T3), makeTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'append-page',
        tasks: [makeTask('b', T2), makeTask('a', T1)],
      });
      expect(next.ids).toEqual(['c', 'b', 'a']);
      expect(new Set(next.ids).size).toBe(next.ids.length);
    });

    it('merges a fresher snapshot of a known task', () => {
      const initial = createTaskList([makeTask('a', T1)]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [
          makeTask('a', T1, { attempts: 1, revision: 2, seq: 4, status: 'running', progress: 30 }),
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
        makeTask('a', T1, { attempts: 1, revision: 3, seq: 0, status: 'succeeded', progress: 100 }),
      ]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        // A higher seq, but of the earlier (running) revision.
        tasks: [
          makeTask('a', T1, { attempts: 1, revision: 2, seq: 30, status: 'running', progress: 20 }),
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
      const initial = createTaskList([makeTask('a', T1)]);
      expect(reduceTaskList(initial, { kind: 'snapshots', tasks: [] })).toBe(initial);
      expect(reduceTaskList(initial, { kind: 'append-page', tasks: [] })).toBe(initial);
    });

    it('returns the same state when every snapshot is stale (nothing changes)', () => {
      const initial = createTaskList([
        makeTask('a', T1, { attempts: 1, revision: 2, seq: 9, status: 'running', progress: 80 }),
        makeTask('b', T2, { attempts: 2, revision: 4, seq: 3, status: 'running', progress: 10 }),
      ]);
      const stale = [
        // A lower seq of the same revision; a higher seq of an earlier revision.
        makeTask('a', T1, { attempts: 1, revision: 2, seq: 4, status: 'running', progress: 20 }),
        makeTask('b', T2, { attempts: 1, revision: 2, seq: 7, status: 'running', progress: 90 }),
      ];
      expect(reduceTaskList(initial, { kind: 'snapshots', tasks: stale })).toBe(initial);
      expect(reduceTaskList(initial, { kind: 'append-page', tasks: stale })).toBe(initial);
    });

    it('keeps the ids array when no new id was added', () => {
      const initial = createTaskList([makeTask('a', T1), makeTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [makeTask('a', T1, { attempts: 1, revision: 2, seq: 0, status: 'running' })],
      });
      expect(next.ids).toBe(initial.ids);
    });

    it('does not mutate the previous state', () => {
      const initial = createTaskList([makeTask('a', T1)]);
      const before = structuredClone(initial);
      reduceTaskList(initial, {
        kind: 'snapshots',
        tasks: [
          makeTask('b', T2),
          makeTask('a', T1, { attempts: 1, revision: 2, seq: 5, status: 'running' }),
        ],
      });
      expect(initial).toEqual(before);
    });
  });

  describe('update', () => {
    it('merges an update into the matching task', () => {
      const initial = createTaskList([makeTask('a', T1), makeTask('b', T2)]);
      const next = reduceTaskList(initial, {
        kind: 'update',
        update: makeUpdate('a', {
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
      const initial = createTaskList([makeTask('a', T1)]);
      const next = reduceTaskList(initial, { kind: 'update', update: makeUpdate('nope') });
      expect(next).toBe(initial);
      expect(next.byId['nope']).toBeUndefined();
    });

    it('returns the same state for a duplicate update', () => {
      const update = makeUpdate('a', { attempt: 1, revision: 2, seq: 1, progress: 10 });
      const once = reduceTaskList(createTaskList([makeTask('a', T1)]), { kind: 'update', update });
      const twice = reduceTaskList(once, { kind: 'update', update });
      expect(twice).toBe(once);
    });

    it('returns the same state for a stale update', () => {
      const initial = createTaskList([
        makeTask('a', T1, { attempts: 2, revision: 4, seq: 3, status: 'running', progress: 50 }),
      ]);
      const stale = makeUpdate('a', { attempt: 2, revision: 4, seq: 2, progress: 90 });
      expect(reduceTaskList(initial, { kind: 'update', update: stale })).toBe(initial);
      // The first attempt's failure (revision 3), arriving after the second attempt started.
      const older = makeUpdate('a', {
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
    const tasks = [makeTask('a', T1), makeTask('b', T2), makeTask('c', T3)];
    // 'a' runs once and succeeds; 'b' fails its first attempt, waits out the backoff and is
    // running its second. Status changes open a revision at seq 0, progress counts on from 1.
    const actions: TaskListAction[] = [
      { kind: 'update', update: makeUpdate('a', { revision: 2, seq: 1, progress: 10 }) },
      { kind: 'update', update: makeUpdate('a', { revision: 2, seq: 2, progress: 60 }) },
      {
        kind: 'update',
        update: makeUpdate('a', {
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
      { kind: 'update', update: makeUpdate('b', { revision: 2, seq: 1, progress: 20 }) },
      {
        kind: 'update',
        update: makeUpdate('b', {
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
        update: makeUpdate('b', {
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
        update: makeUpdate('b', { attempt: 2, revision: 4, seq: 1, progress: 45 }),
      },
      // A snapshot of 'b' that is older than the last update above.
      {
        kind: 'snapshots',
        tasks: [
          makeTask('b', T2, { attempts: 2, revision: 4, seq: 0, status: 'running', progress: 0 }),
        ],
      },
      // A task created meanwhile, and an update for a task we never saw.
      { kind: 'snapshots', tasks: [makeTask('d', '2026-02-01T13:00:00.000Z')] },
      { kind: 'update', update: makeUpdate('ghost', { seq: 5 }) },
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
