import { expect } from 'vitest';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { getPrisma } from '@/server/infra/clients';
import type { TestUser } from './users';

// Many tasks of one test user, written straight to the table (no job, no worker runs them),
// and their statuses counted: the bulk tests over a filter select them by their owner.

/** `count` diagnostics tasks of this owner in this status, in one statement. */
export async function seedOwnedTasks(
  owner: TestUser,
  status: TaskStatus,
  count: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuid7());
  await getPrisma().task.createMany({
    data: ids.map((id) => ({
      id,
      type: 'diagnostics.simulate',
      queue: 'diagnostics',
      status,
      payload: { steps: 1, stepMs: 0 },
      maxAttempts: 1,
      attempts: status === 'queued' || status === 'delayed' ? 0 : 1,
      ownerId: owner.principal.userId,
      // A delayed task is due tomorrow: it stays delayed through the test.
      ...(status === 'delayed' ? { runAt: new Date(Date.now() + 86_400_000) } : {}),
    })),
  });
  return ids;
}

/** How many of the owner's tasks are in each status (statuses with none left out). */
export async function countOwnedStatuses(owner: TestUser): Promise<Record<string, number>> {
  const groups = await getPrisma().task.groupBy({
    by: ['status'],
    where: { ownerId: owner.principal.userId },
    _count: true,
  });
  return Object.fromEntries(groups.map((group) => [group.status, group._count]));
}

/** Each of these tasks was queued again exactly once (a retry's transition), none twice. */
export async function expectEachRetriedOnce(ids: string[]): Promise<void> {
  const retries = await getPrisma().taskTransition.groupBy({
    by: ['taskId'],
    where: { taskId: { in: ids }, toStatus: 'queued' },
    _count: true,
  });
  expect(retries).toHaveLength(ids.length);
  expect(retries.filter((row) => row._count !== 1)).toEqual([]);
}
