import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { applyGlobalConcurrency } from '@/server/queues/global-concurrency';
import { getQueue } from '@/server/queues/queue-clients';
import { listQueues } from '@/server/queues/queue-service';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { withOwnQueuePrefix } from '../support/own-queue-prefix';
import { createTestUser, type TestUser } from '../support/users';

// BullMQ's global concurrency, applied by our worker factory, caps a queue's running jobs across
// every worker: three workers of 4 slots each run at most 2 diagnostics tasks at once. What ran
// at once is counted from the runner's own records (each task's startedAt..finishedAt, written
// inside the job), not from timing.

// Queues of its own: the limit counts every active job of the queue, so jobs that earlier files
// of the tier leave on the shared diagnostics queue could take its two slots (in a full tier run
// a task here never started).
withOwnQueuePrefix('global-concurrency');

const bus = new BusRecorder();
const workers: RunningTaskWorker[] = [];
let admin: TestUser;

function setOverride(value: string | undefined): void {
  if (value === undefined) delete process.env.QUEUE_GLOBAL_CONCURRENCY;
  else process.env.QUEUE_GLOBAL_CONCURRENCY = value;
  resetEnvCache();
}

beforeAll(async () => {
  setOverride('diagnostics=2');
  admin = await createTestUser('admin');
  await bus.start();
  for (let i = 0; i < 3; i += 1) {
    workers.push(await startTaskWorker({ queues: ['diagnostics'], concurrency: 4 }));
  }
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop(5_000)));
  setOverride(undefined);
  await applyGlobalConcurrency(['diagnostics']);
  await bus.stop();
  await closeClients();
});

/** The most tasks whose [startedAt, finishedAt] overlap at one instant. */
async function mostAtOnce(tasks: TaskView[]): Promise<number> {
  const rows = await getPrisma().task.findMany({
    where: { id: { in: tasks.map((task) => task.id) } },
    select: { startedAt: true, finishedAt: true, status: true },
  });
  expect(rows.map((row) => row.status)).toEqual(tasks.map(() => 'succeeded'));
  // Ends sort before starts at the same instant: a task that ended as another began did not overlap it.
  const edges = rows.flatMap((row) => [
    { at: row.startedAt!.getTime(), delta: 1 },
    { at: row.finishedAt!.getTime(), delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const edge of edges) {
    running += edge.delta;
    most = Math.max(most, running);
  }
  return most;
}

async function runBatch(count: number): Promise<TaskView[]> {
  const tasks = await Promise.all(
    Array.from({ length: count }, () =>
      createTask(admin.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 3, stepMs: 100 },
      }),
    ),
  );
  await Promise.all(tasks.map((task) => bus.waitForUpdate(task.id, isTerminal)));
  return tasks;
}

describe('global concurrency', () => {
  it('is written to Redis when workers start and shown beside the per-worker one', async () => {
    expect(await getQueue('diagnostics').getGlobalConcurrency()).toBe(2);
    const queues = await listQueues(admin.principal);
    expect(queues.find((queue) => queue.name === 'diagnostics')).toMatchObject({
      concurrency: 16,
      globalConcurrency: 2,
    });
    // The configured one (reports: 4 across the cluster) is applied with the others at web start.
    await applyGlobalConcurrency();
    const reports = (await listQueues(admin.principal)).find((queue) => queue.name === 'reports');
    expect(reports).toMatchObject({ concurrency: 2, globalConcurrency: 4 });
  });

  it('runs no more than the limit at once across three workers of four slots', async () => {
    const tasks = await runBatch(12);
    expect(await mostAtOnce(tasks)).toBe(2);
  });

  it('lets the twelve slots run together once the limit is removed (the count can tell)', async () => {
    setOverride('diagnostics=0');
    expect(await applyGlobalConcurrency(['diagnostics'])).toEqual({ diagnostics: null });
    expect(await getQueue('diagnostics').getGlobalConcurrency()).toBeNull();
    const tasks = await runBatch(12);
    expect(await mostAtOnce(tasks)).toBeGreaterThan(2);
  });
});
