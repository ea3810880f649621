import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitExceededError } from '@/lib/errors';
import {
  FILTER_BULK_CAP,
  filterBulkResultSchema,
  type FilterBulkAction,
  type FilterBulkResult,
} from '@/lib/tasks/filter-bulk-inputs';
import { listTasksQuerySchema, type ListTasksQuery } from '@/lib/tasks/task-inputs';
import { isTerminalStatus, type TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { saveTaskCheckpoint } from '@/server/attempts/task-checkpoint';
import { runFilterBulkBatches } from '@/server/tasks/filter-bulk-run';
import { applyTaskAction } from '@/server/tasks/task-control';
import { previewFilterBulk, startFilterBulkAction } from '@/server/tasks/task-filter-bulk';
import { transitionTask } from '@/server/tasks/task-transitions';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { withOwnQueuePrefix } from '../support/own-queue-prefix';
import { countOwnedStatuses, expectEachRetriedOnce, seedOwnedTasks } from '../support/owned-tasks';
import { createTestUser, type TestUser } from '../support/users';

// Bulk actions over every task a list filter matches: the preview's counts, the `tasks.bulk`
// task a real worker runs (batches in id order, progress, its result), the cap, a repeat that
// finds nothing left to do, races with a second admin and a worker moving the same tasks, and
// an attempt that goes on from the checkpoint of one that was lost. Each test owns a fresh
// user, and filters by it.

withOwnQueuePrefix('filter-bulk');

let admin: TestUser;
const users: string[] = [];

/** A fresh user of this file: its tasks go when the file ends (their jobs go with the prefix). */
async function newUser(role: 'user' | 'admin', name: string): Promise<TestUser> {
  const user = await createTestUser(role, name);
  users.push(user.principal.userId);
  return user;
}

beforeAll(async () => {
  admin = await newUser('admin', 'filter-bulk-admin');
});

afterAll(async () => {
  // Waiting tasks whose jobs left with this file's queue prefix would otherwise be given new
  // jobs by the reconciler of a later file, and run there.
  await getPrisma().task.deleteMany({ where: { ownerId: { in: users } } });
});

/** The filter as the list's own schema reads it (the admin page sends the URL's values). */
const filterOf = (values: Record<string, string>) => listTasksQuerySchema.parse(values);

async function waitForEnd(id: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await getPrisma().task.findUniqueOrThrow({ where: { id } });
    if (isTerminalStatus(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`bulk task ${id} still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the bulk task as the admin would and waits for the worker to finish it. */
async function runBulk(
  by: TestUser,
  action: FilterBulkAction,
  filter: ListTasksQuery,
): Promise<{ started: TaskView; result: FilterBulkResult }> {
  const started = await startFilterBulkAction(by.principal, { action, filter }, NO_AUDIT_CONTEXT);
  const ended = await waitForEnd(started.id);
  expect(ended.status, JSON.stringify(ended.error)).toBe('succeeded');
  expect(ended.progress).toBe(100);
  return { started, result: filterBulkResultSchema.parse(ended.result) };
}

describe('previewing a bulk action over a filter', () => {
  it('counts what matches and what each action would change', async () => {
    const owner = await newUser('user', 'filter-bulk-preview');
    await Promise.all([
      seedOwnedTasks(owner, 'failed', 3),
      seedOwnedTasks(owner, 'cancelled', 2),
      seedOwnedTasks(owner, 'queued', 4),
      seedOwnedTasks(owner, 'running', 1),
      seedOwnedTasks(owner, 'succeeded', 2),
    ]);
    const all = await previewFilterBulk(admin.principal, filterOf({ owner: owner.email }));
    expect(all).toEqual({
      matching: 12,
      exact: true,
      actionable: { retry: 5, cancel: 5, delete: 7 },
      cap: FILTER_BULK_CAP,
    });
    const failed = await previewFilterBulk(
      admin.principal,
      filterOf({ owner: owner.email, status: 'failed' }),
    );
    expect(failed.matching).toBe(3);
    expect(failed.actionable).toEqual({ retry: 3, cancel: 0, delete: 3 });
  });

  it('is for admins only', async () => {
    const user = await newUser('user', 'filter-bulk-nosy');
    await expect(previewFilterBulk(user.principal, filterOf({}))).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      startFilterBulkAction(
        user.principal,
        { action: 'retry', filter: filterOf({}) },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('a bulk task over a filter, run by a worker', () => {
  let worker: RunningTaskWorker;

  beforeAll(async () => {
    worker = await startTaskWorker({ queues: ['maintenance'] });
  });

  afterAll(async () => {
    await worker?.stop(5_000);
  });

  it('retries every match in batches of 500, audits once, and a repeat finds nothing to do', async () => {
    const owner = await newUser('user', 'filter-bulk-retry');
    const failed = await seedOwnedTasks(owner, 'failed', 1_100);
    await seedOwnedTasks(owner, 'succeeded', 5);
    const filter = filterOf({ owner: owner.email });
    const { started, result } = await runBulk(admin, 'retry', filter);
    expect(started).toMatchObject({ type: 'tasks.bulk', ownerId: admin.principal.userId });
    expect(result).toMatchObject({
      action: 'retry',
      matched: 1_100,
      succeeded: 1_100,
      skipped: 0,
      batches: 3,
    });
    expect(await countOwnedStatuses(owner)).toEqual({ queued: 1_100, succeeded: 5 });
    // Each one queued again once, with a job to run it.
    const retried = await getPrisma().task.count({
      where: { id: { in: failed }, status: 'queued', jobId: { not: null } },
    });
    expect(retried).toBe(1_100);
    const audit = await getPrisma().auditEvent.findFirstOrThrow({
      where: { action: 'tasks.bulk_retry', actorId: admin.principal.userId },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit).toMatchObject({ targetType: 'task', targetId: started.id });
    expect(audit.details).toMatchObject({ filter: { owner: owner.email }, matched: 1_100 });
    // The task says how far it got as it went, and what it did.
    const lines = await getPrisma().taskLog.findMany({ where: { taskId: started.id } });
    expect(lines.map((line) => line.message)).toContain(
      '1,100 of 1,100 retried, 0 skipped, in 3 batches.',
    );
    const again = await runBulk(admin, 'retry', filter);
    expect(again.result).toMatchObject({ matched: 0, succeeded: 0, batches: 0 });
    expect(await countOwnedStatuses(owner)).toEqual({ queued: 1_100, succeeded: 5 });
  }, 120_000);

  it('deletes only finished matches, within the filter’s statuses', async () => {
    const owner = await newUser('user', 'filter-bulk-delete');
    await Promise.all([
      seedOwnedTasks(owner, 'succeeded', 4),
      seedOwnedTasks(owner, 'failed', 3),
      seedOwnedTasks(owner, 'queued', 2),
    ]);
    const { result } = await runBulk(
      admin,
      'delete',
      filterOf({ owner: owner.email, status: 'succeeded,queued' }),
    );
    expect(result).toMatchObject({ matched: 4, succeeded: 4, skipped: 0 });
    expect(await countOwnedStatuses(owner)).toEqual({ failed: 3, queued: 2 });
  });

  it('never cancels itself, though its filter matches running tasks', async () => {
    const owner = await newUser('admin', 'filter-bulk-self');
    await seedOwnedTasks(owner, 'queued', 3);
    // The bulk task is the owner's and running while it acts: the filter matches it too.
    const { started, result } = await runBulk(owner, 'cancel', filterOf({ owner: owner.email }));
    expect(result).toMatchObject({ matched: 3, succeeded: 3, skipped: 0 });
    expect((await waitForEnd(started.id)).status).toBe('succeeded');
    expect(await countOwnedStatuses(owner)).toEqual({ cancelled: 3, succeeded: 1 });
  });

  it(`refuses more than ${FILTER_BULK_CAP} tasks with a 422 and starts nothing`, async () => {
    const owner = await newUser('user', 'filter-bulk-cap');
    await seedOwnedTasks(owner, 'succeeded', FILTER_BULK_CAP + 1);
    const preview = await previewFilterBulk(admin.principal, filterOf({ owner: owner.email }));
    expect(preview.actionable.delete).toBe(FILTER_BULK_CAP + 1);
    const before = await getPrisma().task.count({ where: { type: 'tasks.bulk' } });
    const refused = startFilterBulkAction(
      admin.principal,
      { action: 'delete', filter: filterOf({ owner: owner.email }) },
      NO_AUDIT_CONTEXT,
    );
    await expect(refused).rejects.toBeInstanceOf(LimitExceededError);
    await expect(refused).rejects.toMatchObject({ status: 422 });
    expect(await getPrisma().task.count({ where: { type: 'tasks.bulk' } })).toBe(before);
    expect(await countOwnedStatuses(owner)).toEqual({ succeeded: FILTER_BULK_CAP + 1 });
    await getPrisma().task.deleteMany({ where: { ownerId: owner.principal.userId } });
  }, 60_000);

  it('two admins retrying the same filter at once retry each task exactly once', async () => {
    const owner = await newUser('user', 'filter-bulk-twice');
    const ids = await seedOwnedTasks(owner, 'failed', 600);
    const other = await newUser('admin', 'filter-bulk-admin-2');
    const filter = filterOf({ owner: owner.email });
    const [a, b] = await Promise.all([
      runBulk(admin, 'retry', filter),
      runBulk(other, 'retry', filter),
    ]);
    expect(a.result.succeeded + b.result.succeeded).toBe(600);
    await expectEachRetriedOnce(ids);
  }, 120_000);

  it('a cancel racing a worker that starts and finishes the same tasks ends each one once', async () => {
    const owner = await newUser('user', 'filter-bulk-race');
    const ids = await seedOwnedTasks(owner, 'queued', 400);
    // The worker's side, through the same transitions the runner uses: start, then succeed.
    async function work(): Promise<void> {
      for (const id of ids) {
        const running = await transitionTask({
          taskId: id,
          from: ['queued'],
          to: 'running',
          data: { startedAt: new Date() },
        });
        if (!running) continue;
        await transitionTask({
          taskId: id,
          from: ['running'],
          to: 'succeeded',
          revision: running.revision,
          data: { finishedAt: new Date(), progress: 100 },
        });
      }
    }
    const [{ result }] = await Promise.all([
      runBulk(admin, 'cancel', filterOf({ owner: owner.email })),
      work(),
    ]);
    expect(result.succeeded + result.skipped).toBe(result.matched);
    const tasks = await getPrisma().task.findMany({
      where: { id: { in: ids } },
      include: { transitions: true },
    });
    for (const task of tasks) {
      const ends = task.transitions.filter((t) =>
        ['succeeded', 'cancelled', 'cancelling'].includes(t.toStatus),
      );
      // Either the worker finished it or the cancel stopped it: never both, never neither.
      expect(ends, task.id).toHaveLength(1);
      expect(['succeeded', 'cancelled', 'cancelling']).toContain(task.status);
    }
    const stats = await countOwnedStatuses(owner);
    const stopped = (stats.cancelled ?? 0) + (stats.cancelling ?? 0);
    expect(stopped).toBe(result.succeeded);
  }, 120_000);
});

/**
 * A bulk retry over 1,200 failed tasks whose first attempt stops after its first batch, as one
 * whose worker was lost would. No worker takes it here: the tests play its attempts.
 */
async function retryStoppedAfterFirstBatch(name: string) {
  const owner = await newUser('user', name);
  const ids = await seedOwnedTasks(owner, 'failed', 1_200);
  const filter = filterOf({ owner: owner.email });
  const bulk = await startFilterBulkAction(
    admin.principal,
    { action: 'retry', filter },
    NO_AUDIT_CONTEXT,
  );
  let saved: Record<string, unknown> | null = null;
  const lost = new AbortController();
  const first = runFilterBulkBatches({
    taskId: bulk.id,
    action: 'retry',
    filter,
    checkpoint: null,
    saveCheckpoint: async (state) => {
      saved = structuredClone(state);
    },
    onBatch: () => lost.abort(new Error('worker lost')),
    signal: lost.signal,
  });
  await expect(first).rejects.toThrow('worker lost');
  expect(saved).toMatchObject({ matched: 1_200, seen: 500, succeeded: 500, batches: 1 });
  expect(await countOwnedStatuses(owner)).toEqual({ queued: 500, failed: 700 });
  /** The next attempt, from the checkpoint given. */
  const goOn = (checkpoint: unknown, onBatch: (progress: { seen: number }) => void = () => {}) =>
    runFilterBulkBatches({
      taskId: bulk.id,
      action: 'retry',
      filter,
      checkpoint,
      saveCheckpoint: async () => undefined,
      onBatch,
      signal: new AbortController().signal,
    });
  return { owner, ids, bulk, saved: saved as unknown as Record<string, unknown>, goOn };
}

describe('an attempt after a lost one', () => {
  it('goes on from the last saved batch: every task retried once, the counts carried over', async () => {
    const { owner, ids, bulk, saved, goOn } =
      await retryStoppedAfterFirstBatch('filter-bulk-resume');
    // Some retried tasks fail again before the next attempt: they are not retried twice.
    const refailed = await getPrisma().task.updateMany({
      where: { id: { in: ids.slice(0, 500) }, status: 'queued' },
      data: { status: 'failed' },
    });
    expect(refailed.count).toBe(500);
    const batches: number[] = [];
    const second = await goOn(saved, ({ seen }) => batches.push(seen));
    expect(batches).toEqual([1_000, 1_200]);
    expect(second).toMatchObject({ matched: 1_200, succeeded: 1_200, skipped: 0, batches: 3 });
    expect(await countOwnedStatuses(owner)).toEqual({ queued: 700, failed: 500 });
    await getPrisma().task.update({ where: { id: bulk.id }, data: { status: 'cancelled' } });
  }, 120_000);

  it('settles the batch a lost attempt was in: what it did is counted, never done again', async () => {
    const { owner, ids, bulk, saved, goOn } =
      await retryStoppedAfterFirstBatch('filter-bulk-midbatch');
    // The lost attempt had saved its second batch as begun and retried half of it (through the
    // same call the bulk makes) when its worker died.
    const second = ids.slice(500, 1_000);
    const rows = await getPrisma().task.findMany({ where: { id: { in: second.slice(0, 250) } } });
    for (const task of rows) await applyTaskAction('retry', task, admin.principal.userId, bulk.id);
    // Some of what it retried failed again before the next attempt.
    await getPrisma().task.updateMany({
      where: { id: { in: second.slice(0, 100) } },
      data: { status: 'failed' },
    });

    const result = await goOn({ ...saved, batch: second });
    expect(result).toMatchObject({ matched: 1_200, succeeded: 1_200, skipped: 0, batches: 3 });
    await expectEachRetriedOnce(ids);
    // The 100 that failed again stay failed: a retry of theirs is someone else's to ask for.
    expect(await countOwnedStatuses(owner)).toEqual({ queued: 1_100, failed: 100 });
    const marked = await getPrisma().taskTransition.count({
      where: { taskId: { in: ids }, reason: `Retried by hand. Bulk task ${bulk.id}.` },
    });
    expect(marked).toBe(1_200);
    await getPrisma().task.update({ where: { id: bulk.id }, data: { status: 'cancelled' } });
  }, 120_000);

  it('saves a checkpoint only while the attempt owns the task', async () => {
    const owner = await newUser('user', 'filter-bulk-checkpoint');
    const [id] = await seedOwnedTasks(owner, 'running', 1);
    await getPrisma().task.update({ where: { id: id! }, data: { jobId: 'job-1', attempts: 1 } });
    const attempt = { id: id!, jobId: 'job-1', attempts: 1 };
    await saveTaskCheckpoint(attempt, { after: 'a' });
    const read = () => getPrisma().task.findUniqueOrThrow({ where: { id: id! } });
    expect((await read()).checkpoint).toEqual({ after: 'a' });
    // A newer attempt took the task over: the old one's save changes nothing.
    await getPrisma().task.update({ where: { id: id! }, data: { attempts: 2 } });
    await saveTaskCheckpoint(attempt, { after: 'b' });
    expect((await read()).checkpoint).toEqual({ after: 'a' });
    await saveTaskCheckpoint({ ...attempt, attempts: 2 }, { after: 'c' });
    expect((await read()).checkpoint).toEqual({ after: 'c' });
    // Ended: nothing more is saved.
    await getPrisma().task.update({ where: { id: id! }, data: { status: 'succeeded' } });
    await saveTaskCheckpoint({ ...attempt, attempts: 2 }, { after: 'd' });
    expect((await read()).checkpoint).toEqual({ after: 'c' });
  });
});
