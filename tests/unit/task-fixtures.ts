import type { TaskUpdate } from '@/lib/realtime/events';
import type { TaskListState } from '@/lib/realtime/task-list';
import type { TaskView } from '@/lib/tasks/task-view';

// Tasks and updates for the merge and task-list tests: each test overrides only the fields
// its rule is about, so the defaults below are what every other field reads.

const ID = '01900000-0000-7000-8000-000000000001';

// The task is running its first attempt: revision 1 was `queued`, revision 2 is `running`,
// and five progress reports of revision 2 have been shown.
export function makeTask(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: ID,
    type: 'report.generate',
    label: 'Report',
    summary: 'Activity · CSV · 2026-01-01 → 2026-01-30',
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
    scheduleId: null,
    scheduleTrigger: null,
    parentTaskId: null,
    ...overrides,
  };
}

export function makeUpdate(overrides: Partial<TaskUpdate> = {}): TaskUpdate {
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

/** A task just submitted, for the list tests, which tell many tasks apart by id and age. */
export function makeQueuedTask(
  id: string,
  createdAt: string,
  overrides: Partial<TaskView> = {},
): TaskView {
  return makeTask({
    id,
    type: 'demo.sleep',
    label: 'demo.sleep',
    summary: null,
    queue: 'default',
    status: 'queued',
    progress: 0,
    progressMessage: null,
    payload: {},
    attempts: 0,
    // Just submitted: the first status (queued) is revision 1.
    revision: 1,
    seq: 0,
    createdAt,
    startedAt: null,
    ...overrides,
  });
}

export function makeProgressUpdate(id: string, overrides: Partial<TaskUpdate> = {}): TaskUpdate {
  return makeUpdate({
    id,
    // The first progress report of the first attempt, whose `running` status is revision 2.
    seq: 1,
    progress: 10,
    progressMessage: null,
    emittedAt: 0,
    ...overrides,
  });
}

export function taskIn(state: TaskListState, id: string): TaskView {
  const task = state.byId[id];
  if (!task) throw new Error(`task ${id} is not in the list`);
  return task;
}

// Creation times an hour apart, oldest first.
export const T1 = '2026-02-01T10:00:00.000Z';
export const T2 = '2026-02-01T11:00:00.000Z';
export const T3 = '2026-02-01T12:00:00.000Z';
