import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskUpdate } from '@/lib/realtime/events';
import type { TaskTransitionView, TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { computeBackoffMs } from '@/server/tasks/backoff';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, listTasks } from '@/server/tasks/task-service';
import { diagnosticsSimulate } from '@/server/tasks/types/diagnostics-simulate';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { movesOf, readTimeline, visibleStatuses, waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// Each automatic move of the lifecycle, as the timeline records it, as clients see it and as
// BullMQ holds the job: queued/delayed → running → succeeded, retrying after a backoff, and
// the dead letter at the end of the attempts.

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let owner: TestUser;

beforeAll(async () => {
  owner = await createTestUser();
  await bus.start();
  worker = await startTaskWorker();
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

/** The full-state update published when the task reached this revision. */
function updateAt(task: TaskView, revision: number): TaskUpdate {
  const found = bus.updatesOf(task.id).find((u) => u.revision === revision && u.seq === 0);
  if (!found) throw new Error(`no update at revision ${revision}`);
  return found;
}

/**
 * Each wait before a retry lies within the backoff the type promises for that attempt: at most
 * the configured delay, at least the delay with all of the jitter taken off. Measured between
 * recorded instants (never wall-clock durations): the failure happened after the attempt
 * started and before its `retrying` transition was written.
 */
function expectBackoffsRespected(task: TaskView, timeline: readonly TaskTransitionView[]) {
  const { backoff } = diagnosticsSimulate.defaults;
  const retries = timeline.filter((t) => t.to === 'retrying');
  for (const retry of retries) {
    const retryAt = Date.parse(updateAt(task, retry.revision).retryAt!);
    const attemptStarted = Date.parse(updateAt(task, retry.revision - 1).startedAt!);
    const nextStarted = Date.parse(updateAt(task, retry.revision + 1).startedAt!);
    const longest = computeBackoffMs(backoff, retry.attempt, () => 0);
    const shortest = computeBackoffMs(backoff, retry.attempt, () => 1);
    expect(retryAt - attemptStarted).toBeGreaterThanOrEqual(shortest);
    expect(retryAt - Date.parse(retry.at)).toBeLessThanOrEqual(longest);
    // The next attempt waited for the countdown shown.
    expect(nextStarted).toBeGreaterThanOrEqual(retryAt);
  }
  return retries.length;
}

describe('task lifecycle: automatic transitions', () => {
  it('queued → running → succeeded, recorded as revisions 1..3 and shown in that order', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 2, stepMs: 10 },
    });
    expect(task).toMatchObject({ status: 'queued', revision: 1, priority: 'normal', runAt: null });

    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', revision: 3, attempt: 1, progress: 100 });
    expect(visibleStatuses(bus, task)).toEqual(['queued', 'running', 'succeeded']);

    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual(['∅→queued', 'queued→running', 'running→succeeded']);
    expect(timeline.map((t) => t.attempt)).toEqual([0, 1, 1]);
    expect(await getTask(owner.principal, task.id)).toMatchObject({
      status: 'succeeded',
      revision: 3,
      attempts: 1,
      error: null,
      result: { steps: 2 },
    });
    expect(await waitForJobState('diagnostics', task.id, ['completed'])).toBe('completed');
  });

  it('delayed → running once runAt has passed, never before', async () => {
    const submittedAt = Date.now();
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 400,
    });
    expect(task.status).toBe('delayed');
    const runAt = Date.parse(task.runAt!);
    expect(runAt).toBeGreaterThanOrEqual(submittedAt + 400);
    expect(await getQueue('diagnostics').getJobState(task.id)).toBe('delayed');

    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done.status).toBe('succeeded');
    expect(visibleStatuses(bus, task)).toEqual(['delayed', 'running', 'succeeded']);
    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual(['∅→delayed', 'delayed→running', 'running→succeeded']);
    expect(Date.parse(updateAt(task, 2).startedAt!)).toBeGreaterThanOrEqual(runAt);
  });

  it('a runAt already past starts queued', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      runAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(task).toMatchObject({ status: 'queued', runAt: null });
    expect((await bus.waitForUpdate(task.id, isTerminal)).status).toBe('succeeded');
  });

  it('running → retrying → running → succeeded, the countdown within the backoff', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 2, stepMs: 0, failAtStep: 1, failAttempts: 1 },
    });
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(visibleStatuses(bus, task)).toEqual([
      'queued',
      'running',
      'retrying',
      'running',
      'succeeded',
    ]);

    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→retrying',
      'retrying→running',
      'running→succeeded',
    ]);
    expect(timeline.map((t) => t.attempt)).toEqual([0, 1, 1, 2, 2]);
    expect(timeline[2]!.reason).toBe('Error: Simulated failure at step 1');
    expect(updateAt(task, 3)).toMatchObject({
      status: 'retrying',
      attempt: 1,
      error: { code: 'Error', message: 'Simulated failure at step 1' },
      progressMessage: expect.stringMatching(/^Attempt 1 failed; retrying in \d+ s$/),
    });
    expect(expectBackoffsRespected(task, timeline)).toBe(1);
    // The retry was ours: one BullMQ job, the same one, completed once.
    expect(await waitForJobState('diagnostics', task.id, ['completed'])).toBe('completed');
    expect(await getTask(owner.principal, task.id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      error: null,
      retryAt: null,
    });
  });

  it('fails for good after the last attempt and is listed as a dead letter with its error', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 3, stepMs: 0, failAtStep: 2 },
    });
    const done = await bus.waitForUpdate(task.id, isTerminal, 20_000);
    expect(done).toMatchObject({ status: 'failed', attempt: 3 });

    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→retrying',
      'retrying→running',
      'running→retrying',
      'retrying→running',
      'running→failed',
    ]);
    expect(timeline.map((t) => t.attempt)).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(timeline.at(-1)!.reason).toBe('Error: Simulated failure at step 2');
    // Exponential: the second wait is twice the first, each within its own window.
    expect(expectBackoffsRespected(task, timeline)).toBe(2);
    expect(visibleStatuses(bus, task)).toEqual(movesOf(timeline).map((move) => move.split('→')[1]));

    const deadLetters = await listTasks(owner.principal, { status: 'failed', limit: 100 });
    expect(deadLetters.data.find((t) => t.id === task.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      maxAttempts: 3,
      retryAt: null,
      progress: 33,
      error: { code: 'Error', message: 'Simulated failure at step 2' },
    });
    expect(await waitForJobState('diagnostics', task.id, ['failed'])).toBe('failed');
  });
});
