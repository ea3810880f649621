import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { reconcileTasks, sentinelKey } from '@/server/durability/reconciler';
import { readReconcilerStatus } from '@/server/durability/durability-status';
import { getPrisma, getRedis } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { flushOutboxDone } from '@/server/tasks/job-dispatch';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { transitionTask } from '@/server/tasks/task-transitions';
import { recordWorkerHeartbeat, removeWorker } from '@/server/workers/worker-presence';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { deleteRedisKeys } from '../support/reset-services';
import { movesOf, readTimeline } from '../support/task-lifecycle';
import { withOwnQueuePrefix } from '../support/own-queue-prefix';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// The reconciler compares Postgres's unfinished tasks with BullMQ and repairs what is between
// them. Each case makes the real state a fault leaves behind (a job gone, a worker dead while
// holding a task) and checks what one pass does to our own tasks only: other test files share
// the database.

let owner: TestUser;
let worker: RunningTaskWorker | undefined;

withOwnQueuePrefix('durability-reconciler');

beforeAll(async () => {
  owner = await createTestUser();
});

/** Redis has kept its data for long: heartbeats tell which worker holds what. */
async function settleSentinel() {
  await getRedis().set(sentinelKey(), String(Date.now() - 10 * 60_000));
}

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
});

afterAll(async () => {
  // Tasks left running or delayed on purpose must not be taken up by later files' reconcilers.
  await getPrisma().task.deleteMany({ where: { ownerId: owner.principal.userId } });
});

const LONG = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 60_000 } } as const;
const QUICK = { type: 'diagnostics.simulate', payload: { steps: 2, stepMs: 5 } } as const;

/** The reconciler leaves changes younger than its settle time alone: make these older. */
async function age(tasks: readonly TaskView[]) {
  await getPrisma().task.updateMany({
    where: { id: { in: tasks.map((task) => task.id) } },
    data: { updatedAt: new Date(Date.now() - 60_000) },
  });
}

const stateOf = async (task: TaskView) => {
  const row = await getPrisma().task.findUniqueOrThrow({ where: { id: task.id } });
  return {
    status: row.status,
    jobId: row.jobId,
    job: row.jobId ? await getQueue(row.queue).getJobState(row.jobId) : null,
  };
};

/** A task as a worker that then died leaves it: running, attempt begun, its job gone. */
async function orphanRunning(task: TaskView, attempts: number) {
  await getQueue('diagnostics').remove(task.id);
  await getPrisma().task.update({ where: { id: task.id }, data: { attempts: attempts - 1 } });
  const running = await transitionTask({
    taskId: task.id,
    from: ['queued'],
    to: 'running',
    data: { attempts: 'increment', startedAt: new Date() },
  });
  expect(running?.attempts).toBe(attempts);
  await age([task]);
}

describe('the reconciler', () => {
  beforeEach(settleSentinel);

  it('gives a waiting task whose job vanished its job again, with the same id', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await getQueue('diagnostics').remove(task.id);
    await age([task]);
    // A queued task is looked at round robin; a pass over every one is the full one below.
    await reconcileTasks();
    const { job, jobId } = await stateOf(task);
    expect(jobId).toBe(task.id);
    expect(job).toMatch(/waiting|prioritized/);
  });

  it('after Redis lost everything, requeues every waiting task (delays kept) at once', async () => {
    const queued = [
      await createTask(owner.principal, QUICK),
      await createTask(owner.principal, QUICK),
    ];
    const delayed = await createTask(owner.principal, { ...QUICK, delayMs: 120_000 });
    await flushOutboxDone();
    await age([...queued, delayed]);
    // Everything under our prefix: queues, worker presence, and the reconciler's sentinel.
    await deleteRedisKeys(getEnv().REDIS_URL, getEnv().QUEUE_PREFIX);

    const run = await reconcileTasks();
    expect(run?.full).toBe(true);
    for (const task of queued) expect((await stateOf(task)).job).toMatch(/waiting|prioritized/);
    expect((await stateOf(delayed)).job).toBe('delayed');
    const job = await getQueue('diagnostics').getJob(delayed.id);
    expect(job!.timestamp + job!.delay).toBeGreaterThan(Date.now() + 100_000);
    const status = await readReconcilerStatus();
    expect(status.lastRun?.repaired.requeued).toBeGreaterThanOrEqual(3);
    expect(status.lastRepairAt).toBe(status.lastRun?.at);

    worker = await startTaskWorker({ queues: ['diagnostics'] });
    for (const task of queued) {
      await waitFor(
        async () =>
          (await getTask(owner.principal, task.id)).status === 'succeeded' ? 1 : undefined,
        'the requeued task to run',
      );
    }
  });

  it('after Redis lost everything, waits for heartbeats before judging running tasks', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await orphanRunning(task, 1);
    await deleteRedisKeys(getEnv().REDIS_URL, getEnv().QUEUE_PREFIX);
    // No worker has announced itself again yet: its task may well be running still.
    expect((await reconcileTasks())?.full).toBe(true);
    expect((await stateOf(task)).status).toBe('running');
    await settleSentinel();
    await reconcileTasks();
    expect((await stateOf(task)).status).toBe('retrying');
  });

  it('starts the next attempt of a running task whose worker died and whose job is gone', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await orphanRunning(task, 1);
    await reconcileTasks();
    const after = await stateOf(task);
    expect(after.status).toBe('retrying');
    expect(after.jobId).toBe(`${task.id}-r1`);
    expect(after.job).toMatch(/delayed|waiting|prioritized/);

    worker = await startTaskWorker({ queues: ['diagnostics'] });
    await waitFor(
      async () =>
        (await getTask(owner.principal, task.id)).status === 'succeeded' ? 1 : undefined,
      'the next attempt to succeed',
    );
    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→retrying',
      'retrying→running',
      'running→succeeded',
    ]);
    expect(timeline[2]?.reason).toMatch(/^worker_lost: /);
  });

  it('fails a task as worker_lost when the lost attempt was its last', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await orphanRunning(task, 3);
    await reconcileTasks();
    const view = await getTask(owner.principal, task.id);
    expect(view.status).toBe('failed');
    expect(view.error).toMatchObject({ code: 'worker_lost' });
  });

  it('ends cancelled a cancelling task whose holder is gone', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await orphanRunning(task, 1);
    await transitionTask({ taskId: task.id, from: ['running'], to: 'cancelling' });
    await age([task]);
    await reconcileTasks();
    expect((await stateOf(task)).status).toBe('cancelled');
  });

  it('leaves alone a running task that a live worker holds, even with its job gone', async () => {
    const task = await createTask(owner.principal, QUICK);
    await flushOutboxDone();
    await orphanRunning(task, 1);
    const id = 'reconciler-test-worker';
    await recordWorkerHeartbeat({
      id,
      hostname: 'test',
      pid: 1,
      queues: ['diagnostics'],
      concurrency: { diagnostics: 1 },
      startedAt: new Date().toISOString(),
      currentJobs: [
        {
          taskId: task.id,
          type: task.type,
          queue: 'diagnostics',
          startedAt: new Date().toISOString(),
        },
      ],
    });
    try {
      await reconcileTasks();
      expect((await stateOf(task)).status).toBe('running');
    } finally {
      await removeWorker(id);
    }
    await reconcileTasks();
    expect((await stateOf(task)).status).toBe('retrying');
  });

  it('runs in one process at a time', async () => {
    const runs = await Promise.all([reconcileTasks(), reconcileTasks(), reconcileTasks()]);
    expect(runs.filter((run) => run !== null)).toHaveLength(1);
  });
});

describe('a job BullMQ fails on its own', () => {
  it('restarts the attempt when the stalled limit fails the job (not left running)', async () => {
    const task = await createTask(owner.principal, LONG);
    await flushOutboxDone();
    // What BullMQ's stall check leaves when a job's workers died more often than allowed: the
    // job back in wait, marked to fail when next taken, and the task still running.
    const queue = getQueue('diagnostics');
    await transitionTask({
      taskId: task.id,
      from: ['queued'],
      to: 'running',
      data: { attempts: 'increment', startedAt: new Date() },
    });
    await getRedis().hset(queue.toKey(task.id), 'defa', 'job stalled more than allowable limit');

    worker = await startTaskWorker({ queues: ['diagnostics'] });
    await waitFor(
      async () => ((await stateOf(task)).jobId === `${task.id}-r1` ? 1 : undefined),
      'the lost attempt to be restarted',
    );
    expect(await queue.getJobState(task.id)).toBe('failed');
    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline).slice(0, 3)).toEqual([
      '∅→queued',
      'queued→running',
      'running→retrying',
    ]);
    expect(timeline[2]?.reason).toMatch(/stalled more than allowable limit/);
  });
});
