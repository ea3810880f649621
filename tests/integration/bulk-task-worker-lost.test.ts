import { afterAll, describe, expect, it } from 'vitest';
import { filterBulkResultSchema } from '@/lib/tasks/filter-bulk-inputs';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { startFilterBulkAction } from '@/server/tasks/task-filter-bulk';
import { withOwnQueuePrefix } from '../support/own-queue-prefix';
import { countOwnedStatuses, expectEachRetriedOnce, seedOwnedTasks } from '../support/owned-tasks';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestUser } from '../support/users';

// A bulk task whose worker process dies (SIGKILL) in the middle of a batch: BullMQ finds its
// job stalled, another worker process takes it, and the attempt settles the batch the dead one
// was in, then goes on after it. Every task is retried exactly once, and counted once.

withOwnQueuePrefix('bulk-worker-lost');

const COUNT = 10_000;
const users: string[] = [];

afterAll(async () => {
  await killAllSpawned();
  await getPrisma().task.deleteMany({ where: { ownerId: { in: users } } });
  await closeClients();
});

async function poll<T>(read: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a bulk task whose worker is killed', () => {
  it('goes on from its checkpoint in another worker, retrying each task once', async () => {
    const admin = await createTestUser('admin', 'bulk-lost-admin');
    const owner = await createTestUser('user', 'bulk-lost-owner');
    users.push(admin.principal.userId, owner.principal.userId);
    const ids = await seedOwnedTasks(owner, 'failed', COUNT);
    const filter = listTasksQuerySchema.parse({ owner: owner.email });

    const first = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'maintenance']);
    await first.waitForOutput(/worker started/);
    const bulk = await startFilterBulkAction(
      admin.principal,
      { action: 'retry', filter },
      NO_AUDIT_CONTEXT,
    );
    // Killed as soon as it saves its first checkpoint (the first batch's ids, begun), long
    // before its twentieth batch: it dies in the middle of a batch.
    const saved = await poll(
      async () => {
        const row = await getPrisma().task.findUniqueOrThrow({ where: { id: bulk.id } });
        return row.checkpoint === null ? null : (row.checkpoint as { seen: number });
      },
      60_000,
      'the first checkpoint',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(saved.seen).toBeLessThan(COUNT);
    const atKill = await countOwnedStatuses(owner);
    expect(atKill.failed ?? 0).toBeGreaterThan(0);

    const second = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'maintenance']);
    // The dead worker's lock expires (30 s), then the stalled check (every 15 s) hands it over.
    const ended = await poll(
      async () => {
        const row = await getPrisma().task.findUniqueOrThrow({ where: { id: bulk.id } });
        return ['succeeded', 'failed', 'cancelled'].includes(row.status) ? row : null;
      },
      120_000,
      'the bulk task to end',
    );
    await second.stop('SIGTERM');
    expect(ended.status, JSON.stringify(ended.error)).toBe('succeeded');
    expect(ended.attempts).toBe(2);
    const result = filterBulkResultSchema.parse(ended.result);
    // What the dead attempt did in the batch it was in is found and counted, not done again.
    expect(result).toMatchObject({ matched: COUNT, succeeded: COUNT, skipped: 0 });

    // Every task retried, each exactly once.
    expect(await countOwnedStatuses(owner)).toEqual({ queued: COUNT });
    await expectEachRetriedOnce(ids);

    const timeline = await getPrisma().taskTransition.findMany({
      where: { taskId: bulk.id },
      orderBy: { revision: 'asc' },
    });
    expect(timeline.map((t) => t.reason)).toContain('The worker of the previous attempt was lost.');
    const lines = await getPrisma().taskLog.findMany({ where: { taskId: bulk.id } });
    expect(lines.map((line) => line.message)).toContain(
      'Going on from the last batch an earlier attempt finished.',
    );
  }, 240_000);
});
