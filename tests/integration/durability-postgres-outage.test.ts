import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { deleteRedisKeys } from '../support/reset-services';
import { movesOf, readTimeline } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// PostgreSQL going away while a worker runs a task: the work is not lost, the task is not
// failed and the attempt is not counted as lost; it is recorded once Postgres is back.
// A private cluster (never the machine's), and a queue prefix of this file's own.

let cluster: PrivatePostgres;
let owner: TestUser;
let worker: RunningTaskWorker | undefined;

beforeAll(async () => {
  cluster = await createPrivatePostgres();
  await closeClients();
  vi.stubEnv('DATABASE_URL', cluster.url);
  vi.stubEnv('QUEUE_PREFIX', '{taskdeck-test-pg-outage}');
  resetEnvCache();
  await deleteRedisKeys(getEnv().REDIS_URL, getEnv().QUEUE_PREFIX);
  owner = await createTestUser();
}, 120_000);

afterAll(async () => {
  await worker?.stop(5_000);
  await closeClients();
  await deleteRedisKeys(getEnv().REDIS_URL, getEnv().QUEUE_PREFIX);
  await cluster?.destroy();
  vi.unstubAllEnvs();
  resetEnvCache();
});

const statusOf = async (id: string) =>
  (await getPrisma().task.findUnique({ where: { id } }))?.status ?? null;

describe('Postgres down while an attempt ends', () => {
  it('runs the attempt again under its own number, then records it once', async () => {
    worker = await startTaskWorker({ queues: ['diagnostics'] });
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 4, stepMs: 500 },
    });
    await waitFor(
      async () => ((await statusOf(task.id)) === 'running' ? true : undefined),
      'the attempt to start',
    );
    await cluster.stop('fast');
    // The attempt ends meanwhile; the runner cannot record it and hands the job back.
    const queue = getQueue('diagnostics');
    const deadline = Date.now() + 20_000;
    while ((await queue.getJobState(task.id)) !== 'delayed' && Date.now() < deadline) {
      await sleep(100);
    }
    expect(await queue.getJobState(task.id)).toBe('delayed');
    await cluster.start();

    await waitFor(
      async () => ((await statusOf(task.id)) === 'succeeded' ? true : undefined),
      'the repeated attempt to succeed',
      30_000,
    );
    const row = await getPrisma().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row.attempts).toBe(1);
    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→running',
      'running→succeeded',
    ]);
    expect(timeline[2]?.reason).toMatch(/could not be recorded/);
  }, 90_000);
});
