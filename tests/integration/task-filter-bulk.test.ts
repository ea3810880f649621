import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitExceededError } from '@/lib/errors';
import { FILTER_BULK_CAP } from '@/lib/tasks/filter-bulk-inputs';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { previewFilterBulk, runFilterBulkAction } from '@/server/tasks/task-filter-bulk';
import { transitionTask } from '@/server/tasks/task-transitions';
import { countOwnedStatuses, seedOwnedTasks } from '../support/owned-tasks';
import { createTestUser, type TestUser } from '../support/users';

// Bulk actions over every task a list filter matches: the preview's counts, batches in id
// order, the cap, a repeat that finds nothing left to do, and races with a second admin and a
// worker moving the same tasks meanwhile. Each test owns a fresh user, and filters by it.

let admin: TestUser;

beforeAll(async () => {
  admin = await createTestUser('admin', 'filter-bulk-admin');
});

afterAll(async () => {
  await closeClients();
});

/** The filter as the list's own schema reads it (the admin page sends the URL's values). */
const filterOf = (values: Record<string, string>) => listTasksQuerySchema.parse(values);

describe('previewing a bulk action over a filter', () => {
  it('counts what matches and what each action would change', async () => {
    const owner = await createTestUser('user', 'filter-bulk-preview');
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
    const user = await createTestUser('user', 'filter-bulk-nosy');
    await expect(previewFilterBulk(user.principal, filterOf({}))).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      runFilterBulkAction(
        user.principal,
        { action: 'retry', filter: filterOf({}) },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('applying a bulk action over a filter', () => {
  it('retries every match in batches of 500, audits once, and a repeat finds nothing to do', async () => {
    const owner = await createTestUser('user', 'filter-bulk-retry');
    const failed = await seedOwnedTasks(owner, 'failed', 1_100);
    await seedOwnedTasks(owner, 'succeeded', 5);
    const filter = filterOf({ owner: owner.email });
    const first = await runFilterBulkAction(
      admin.principal,
      { action: 'retry', filter },
      NO_AUDIT_CONTEXT,
    );
    expect(first).toMatchObject({
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
    expect(audit.details).toMatchObject({
      filter: { owner: owner.email },
      matched: 1_100,
      succeeded: 1_100,
      batches: 3,
    });
    const again = await runFilterBulkAction(
      admin.principal,
      { action: 'retry', filter },
      NO_AUDIT_CONTEXT,
    );
    expect(again).toMatchObject({ matched: 0, succeeded: 0, batches: 0 });
    expect(await countOwnedStatuses(owner)).toEqual({ queued: 1_100, succeeded: 5 });
  }, 120_000);

  it('deletes only finished matches, within the filter’s statuses', async () => {
    const owner = await createTestUser('user', 'filter-bulk-delete');
    await Promise.all([
      seedOwnedTasks(owner, 'succeeded', 4),
      seedOwnedTasks(owner, 'failed', 3),
      seedOwnedTasks(owner, 'queued', 2),
    ]);
    const result = await runFilterBulkAction(
      admin.principal,
      { action: 'delete', filter: filterOf({ owner: owner.email, status: 'succeeded,queued' }) },
      NO_AUDIT_CONTEXT,
    );
    expect(result).toMatchObject({ matched: 4, succeeded: 4, skipped: 0 });
    expect(await countOwnedStatuses(owner)).toEqual({ failed: 3, queued: 2 });
  });

  it(`refuses more than ${FILTER_BULK_CAP} tasks with a 422 and changes nothing`, async () => {
    const owner = await createTestUser('user', 'filter-bulk-cap');
    await seedOwnedTasks(owner, 'succeeded', FILTER_BULK_CAP + 1);
    const preview = await previewFilterBulk(admin.principal, filterOf({ owner: owner.email }));
    expect(preview.actionable.delete).toBe(FILTER_BULK_CAP + 1);
    const refused = runFilterBulkAction(
      admin.principal,
      { action: 'delete', filter: filterOf({ owner: owner.email }) },
      NO_AUDIT_CONTEXT,
    );
    await expect(refused).rejects.toBeInstanceOf(LimitExceededError);
    await expect(refused).rejects.toMatchObject({ status: 422 });
    expect(await countOwnedStatuses(owner)).toEqual({ succeeded: FILTER_BULK_CAP + 1 });
    await getPrisma().task.deleteMany({ where: { ownerId: owner.principal.userId } });
  }, 60_000);

  it('two admins retrying the same filter at once retry each task exactly once', async () => {
    const owner = await createTestUser('user', 'filter-bulk-twice');
    const ids = await seedOwnedTasks(owner, 'failed', 600);
    const other = await createTestUser('admin', 'filter-bulk-admin-2');
    const filter = filterOf({ owner: owner.email });
    const [a, b] = await Promise.all([
      runFilterBulkAction(admin.principal, { action: 'retry', filter }, NO_AUDIT_CONTEXT),
      runFilterBulkAction(other.principal, { action: 'retry', filter }, NO_AUDIT_CONTEXT),
    ]);
    expect(a.succeeded + b.succeeded).toBe(600);
    const retries = await getPrisma().taskTransition.groupBy({
      by: ['taskId'],
      where: { taskId: { in: ids }, toStatus: 'queued' },
      _count: true,
    });
    expect(retries).toHaveLength(600);
    expect(retries.every((row) => row._count === 1)).toBe(true);
  }, 120_000);

  it('a cancel racing a worker that starts and finishes the same tasks ends each one once', async () => {
    const owner = await createTestUser('user', 'filter-bulk-race');
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
    const [result] = await Promise.all([
      runFilterBulkAction(
        admin.principal,
        { action: 'cancel', filter: filterOf({ owner: owner.email }) },
        NO_AUDIT_CONTEXT,
      ),
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
