import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_COUNT_COLUMNS, queueCountFilter, type CountFilter } from '@/lib/admin/count-filters';
import { ForbiddenError } from '@/lib/errors';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { HOUR_WINDOW, readThroughput } from '@/server/admin/overview-stats';
import { countDeadLetters, countQueueTasks } from '@/server/admin/task-counts';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { listTasksWithOwners } from '@/server/tasks/task-search';
import { listHref, type SearchParams } from '@/components/admin/filtered-list/list-params';
import { readTaskListParams, TASK_LIST_PATH } from '@/components/admin/tasks/task-list-params';
import { createTestUser, type TestUser } from '../support/users';

// Every admin count is a link to the All tasks list with the filter that lists exactly the
// tasks it counts. These check that from known rows: the count, then the list its link opens
// (its URL read back and parsed as the page does), row for row.

let owner: TestUser;
let admin: TestUser;
// A queue of its own, so tasks other test files make at the same time never land in it.
const queue = `counts_ha_${randomUUID().slice(0, 8)}`;
// Far from the real clock and from the other files' windows (admin-overview.test.ts: 2035).
const now = new Date('2036-03-10T08:20:30.000Z');
const inWindow = new Date('2036-03-10T08:05:00.000Z');
const beforeWindow = new Date('2036-03-10T06:00:00.000Z');

function row(status: TaskStatus, finishedAt: Date | null = null) {
  return {
    id: randomUUID(),
    type: 'diagnostics.simulate',
    queue,
    status,
    payload: {},
    maxAttempts: 1,
    attempts: 1,
    ownerId: owner.principal.userId,
    createdAt: new Date(now.getTime() - 3 * 3_600_000),
    finishedAt,
  };
}

/** The list a count links to: its href's query, read and parsed like the page reads it. */
async function listBehind(filter: CountFilter): Promise<number> {
  const href = listHref(TASK_LIST_PATH, { ...filter });
  const query: SearchParams = Object.fromEntries(new URL(href, 'http://x').searchParams);
  const parsed = listTasksQuerySchema.parse({ ...readTaskListParams(query), limit: 100 });
  const page = await listTasksWithOwners(admin.principal, parsed);
  expect(page.nextCursor).toBeNull();
  return page.data.length;
}

beforeAll(async () => {
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await getPrisma().task.createMany({
    data: [
      row('queued'),
      row('queued'),
      row('running'),
      row('cancelling'),
      row('delayed'),
      row('retrying'),
      row('failed', inWindow),
      row('failed', inWindow),
      row('failed', beforeWindow),
      row('succeeded', inWindow),
      row('succeeded', inWindow),
      row('succeeded', beforeWindow),
      row('cancelled', inWindow),
    ],
  });
});

afterAll(async () => {
  await getPrisma().task.deleteMany({ where: { queue } });
  await closeClients();
});

describe('queue counts', () => {
  it('counts a queue by task status, succeeded ones within the hour window', async () => {
    const counts = await countQueueTasks(admin.principal, now);
    expect(counts.since).toBe((await readThroughput(now, HOUR_WINDOW)).start);
    expect(counts.byQueue[queue]).toEqual({
      queued: 2,
      running: 2,
      scheduled: 2,
      failed: 3,
      succeeded: 2,
    });
  });

  it('each count links to a list of exactly that many tasks', async () => {
    const counts = await countQueueTasks(admin.principal, now);
    const forQueue = counts.byQueue[queue]!;
    for (const column of QUEUE_COUNT_COLUMNS) {
      const listed = await listBehind(queueCountFilter(queue, column, counts.since));
      expect({ column: column.key, listed }).toEqual({
        column: column.key,
        listed: forQueue[column.key],
      });
    }
  });

  it("the failure card's failed count and its list agree on the window", async () => {
    const hour = await readThroughput(now, HOUR_WINDOW);
    // Only this file's rows finish in 2036; the one that failed at 06:00 is outside the hour.
    expect(hour.totals.failed).toBe(2);
    expect(await listBehind({ status: 'failed', finishedFrom: hour.start })).toBe(2);
    expect(await listBehind({ status: 'succeeded,failed', finishedFrom: hour.start })).toBe(4);
    expect(await listBehind({ status: 'cancelled', finishedFrom: hour.start })).toBe(
      hour.totals.cancelled,
    );
  });

  it('the dead-letter count counts every failed task, however old', async () => {
    const total = await countDeadLetters(admin.principal);
    // Other files add and retry dead letters meanwhile; this file's three are always in it.
    expect(total).toBeGreaterThanOrEqual(3);
    expect(await listBehind({ status: 'failed', queue })).toBe(3);
  });

  it('is for admins only', async () => {
    await expect(countQueueTasks(owner.principal, now)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(countDeadLetters(owner.principal)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
