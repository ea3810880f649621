import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { relayOutbox } from '@/server/durability/outbox-relay';
import { closeClients, getPrisma, getRedis } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { flushOutboxDone } from '@/server/tasks/job-dispatch';
import { cancelTask } from '@/server/tasks/task-control';
import { insertTask } from '@/server/tasks/task-insert';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { withOwnQueuePrefix } from '../support/own-queue-prefix';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const until = (check: () => Promise<boolean>, what: string) =>
  waitFor(async () => ((await check()) ? true : undefined), what);

// The transactional enqueue: a task's row and its outbox entry are one statement; the job is
// added by the request path or, when that did not happen (Redis down, the process killed
// between the commit and the add), by the relay. Nothing accepted is lost or failed for it.

let owner: TestUser;
let worker: RunningTaskWorker | undefined;

withOwnQueuePrefix('durability-outbox');

beforeAll(async () => {
  owner = await createTestUser();
});

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
});

afterAll(async () => {
  // Tasks left waiting on purpose must not be picked up by the reconcilers of later files.
  await getPrisma().task.deleteMany({ where: { ownerId: owner.principal.userId } });
});

const outboxOf = (taskId: string) =>
  getPrisma().taskOutbox.findMany({ where: { taskId }, orderBy: { createdAt: 'asc' } });

/** Makes the relay's grace period over for these entries, as if the request path had died. */
async function makeDue(taskId: string) {
  await getPrisma().taskOutbox.updateMany({ where: { taskId }, data: { dueAt: new Date(0) } });
}

/** The statement the request path commits for a queued task, without the add that follows it. */
function insertQueuedTask(id: string, payload: object) {
  return insertTask({
    id,
    type: 'diagnostics.simulate',
    queue: 'diagnostics',
    status: 'queued',
    priority: 'normal',
    payload,
    maxAttempts: 3,
    ownerId: owner.principal.userId,
    runAt: null,
    scheduleId: null,
    scheduleTrigger: null,
    parentTaskId: null,
    idempotencyKey: null,
    idempotencyHash: null,
    inputs: [],
  });
}

const QUICK = { type: 'diagnostics.simulate', payload: { steps: 2, stepMs: 5 } } as const;

describe('the outbox', () => {
  it('comes from one statement whose returned row is the task exactly as Prisma reads it', async () => {
    const id = uuid7();
    const inserted = await insertTask({
      id,
      type: 'diagnostics.simulate',
      queue: 'diagnostics',
      status: 'delayed',
      priority: 'low',
      payload: { steps: 3, nested: { list: [1, 'two', null] } },
      maxAttempts: 3,
      ownerId: owner.principal.userId,
      runAt: new Date(Date.now() + 3_600_000),
      scheduleId: null,
      scheduleTrigger: null,
      parentTaskId: null,
      idempotencyKey: `key-${id}`,
      idempotencyHash: 'a'.repeat(64),
      inputs: [
        {
          kind: 'upload',
          name: 'données.csv',
          key: `tasks/${id}/input/original`,
          contentType: 'text/csv',
          size: 12,
          sha256: 'b'.repeat(64),
          meta: { rows: 2 },
        },
      ],
    });
    expect(inserted).toEqual(await getPrisma().task.findUniqueOrThrow({ where: { id } }));
    expect(
      await getPrisma().taskTransition.count({ where: { taskId: id, toStatus: 'delayed' } }),
    ).toBe(1);
    expect(await getPrisma().taskFile.findMany({ where: { taskId: id } })).toMatchObject([
      { role: 'input', name: 'données.csv', size: 12n, meta: { rows: 2 } },
    ]);
    await cancelTask(owner.principal, id, NO_AUDIT_CONTEXT);
  });

  it('is written with the task and cleared once the request path added the job', async () => {
    const task = await createTask(owner.principal, QUICK);
    expect(await getQueue('diagnostics').getJobState(task.id)).toMatch(/waiting|prioritized/);
    await flushOutboxDone();
    expect(await outboxOf(task.id)).toEqual([]);
  });

  it('gives a task whose job was never added (the web died after the commit) its job', async () => {
    const id = uuid7();
    await insertQueuedTask(id, { steps: 2, stepMs: 5 });
    expect(await outboxOf(id)).toMatchObject([{ jobId: id, attempts: 0 }]);
    expect(await getQueue('diagnostics').getJobState(id)).toBe('unknown');

    // Within its grace period the relay leaves it to the request path.
    await relayOutbox();
    expect(await outboxOf(id)).toMatchObject([{ jobId: id, attempts: 0 }]);
    await makeDue(id);
    expect((await relayOutbox()).added).toBeGreaterThanOrEqual(1);
    expect(await outboxOf(id)).toEqual([]);
    expect(await getQueue('diagnostics').getJobState(id)).toMatch(/waiting|prioritized/);

    worker = await startTaskWorker({ queues: ['diagnostics'] });
    await until(async () => (await getTask(owner.principal, id)).status === 'succeeded', 'success');
  });

  it('drops the entry of a task that no longer needs its job, without adding it', async () => {
    const id = uuid7();
    await insertQueuedTask(id, {});
    await cancelTask(owner.principal, id, NO_AUDIT_CONTEXT);
    await makeDue(id);
    expect((await relayOutbox()).obsolete).toBeGreaterThanOrEqual(1);
    expect(await outboxOf(id)).toEqual([]);
    expect(await getQueue('diagnostics').getJobState(id)).toBe('unknown');
  });
});

describe('with Redis unreachable', () => {
  let redis: PrivateRedis;

  let machineRedisUrl = '';

  beforeAll(async () => {
    redis = await createPrivateRedis();
    machineRedisUrl = getEnv().REDIS_URL;
    await closeClients();
    vi.stubEnv('REDIS_URL', redis.url);
    resetEnvCache();
  });

  afterAll(async () => {
    await closeClients();
    await redis.destroy();
    vi.stubEnv('REDIS_URL', machineRedisUrl);
    resetEnvCache();
  });

  it('accepts tasks, keeps them queued, and runs them once Redis is back', async () => {
    await getQueue('diagnostics').waitUntilReady();
    await redis.stop();
    const started = Date.now();
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await createTask(owner.principal, QUICK));
    // Answered without waiting for Redis, and nothing failed for it.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const task of created) {
      expect(task.status).toBe('queued');
      expect(await outboxOf(task.id)).toHaveLength(1);
    }
    expect(await relayOutbox()).toMatchObject({ added: 0, failed: 0 });

    await redis.start();
    await until(async () => getRedis().status === 'ready', 'Redis');
    for (const task of created) await makeDue(task.id);
    expect((await relayOutbox()).added).toBeGreaterThanOrEqual(created.length);
    worker = await startTaskWorker({ queues: ['diagnostics'] });
    for (const task of created) {
      await until(
        async () => (await getTask(owner.principal, task.id)).status === 'succeeded',
        'success',
      );
      expect(await outboxOf(task.id)).toEqual([]);
    }
  });
});
