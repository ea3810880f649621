import path from 'node:path';
import { stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import { runBulkTaskAction, type BulkResult } from '@/server/tasks/task-control';
import { createTestUser, type TestUser } from '../support/users';

// Bulk delete from the admin task list: finished tasks go with their stored files and their
// history; unfinished ones stay, each with its reason; only admins may; audited once.

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request, context: unknown) => Promise<Response>;

let admin: TestUser;
let alice: TestUser;
let bulkPost: Handler;

async function* bodyOf(text: string): AsyncGenerator<string> {
  yield text;
}

/** A task with an input and an output file in storage and task_files, a log line, a transition. */
async function seedWithFiles(status: TaskStatus): Promise<{ id: string; keys: string[] }> {
  const id = uuid7();
  const keys = [`tasks/${id}/input/original`, `tasks/${id}/outputs/out.csv`];
  const sizes: number[] = [];
  for (const key of keys) sizes.push((await getStorage().write(key, bodyOf(`a,b\n${id}\n`))).size);
  await getPrisma().task.create({
    data: {
      id,
      type: 'file.process',
      queue: 'files',
      status,
      payload: {},
      maxAttempts: 1,
      ownerId: alice.principal.userId,
      files: {
        create: keys.map((key, index) => ({
          id: uuid7(),
          role: index === 0 ? 'input' : 'output',
          kind: index === 0 ? 'upload' : 'cleaned-csv',
          name: path.basename(key),
          storageKey: key,
          contentType: 'text/csv',
          size: BigInt(sizes[index] ?? 0),
        })),
      },
      logs: { create: { id: uuid7(), attempt: 1, level: 'info', message: 'seeded' } },
      transitions: { create: { id: uuid7(), revision: 1, attempt: 0, toStatus: status } },
    },
  });
  return { id, keys };
}

async function exists(key: string): Promise<boolean> {
  return getStorage().exists(key);
}

beforeAll(async () => {
  bulkPost = (
    (await import(path.join(root, 'app/api/v1/tasks/bulk/route.ts'))) as { POST: Handler }
  ).POST;
  [admin, alice] = await Promise.all([createTestUser('admin'), createTestUser('user', 'alice')]);
});

afterAll(async () => {
  await closeClients();
});

describe('bulk delete', () => {
  it('deletes finished tasks with their files and history, and skips unfinished ones with a reason', async () => {
    const succeeded = await seedWithFiles('succeeded');
    const failed = await seedWithFiles('failed');
    const cancelled = await seedWithFiles('cancelled');
    const running = await seedWithFiles('running');
    const queued = await seedWithFiles('queued');
    const missing = uuid7();
    const requested = [succeeded, running, failed, queued, cancelled].map((task) => task.id);

    const result = await runBulkTaskAction(
      admin.principal,
      { action: 'delete', ids: [...requested, missing, succeeded.id] },
      NO_AUDIT_CONTEXT,
    );

    expect(result.succeeded).toBe(3);
    expect(result.failed).toBe(3);
    // One outcome per id asked for (a repeat counts once), in the order asked.
    expect(result.results).toEqual([
      { id: succeeded.id, ok: true, status: 'succeeded' },
      { id: running.id, ok: false, error: 'still running' },
      { id: failed.id, ok: true, status: 'failed' },
      { id: queued.id, ok: false, error: 'still queued' },
      { id: cancelled.id, ok: true, status: 'cancelled' },
      { id: missing, ok: false, error: 'No such task.' },
    ]);

    const gone = [succeeded.id, failed.id, cancelled.id];
    const prisma = getPrisma();
    expect(await prisma.task.count({ where: { id: { in: gone } } })).toBe(0);
    expect(await prisma.taskFile.count({ where: { taskId: { in: gone } } })).toBe(0);
    expect(await prisma.taskLog.count({ where: { taskId: { in: gone } } })).toBe(0);
    expect(await prisma.taskTransition.count({ where: { taskId: { in: gone } } })).toBe(0);
    for (const task of [succeeded, failed, cancelled]) {
      for (const key of task.keys) expect(await exists(key), key).toBe(false);
      // The whole tasks/<id>/ tree, not only the files recorded.
      await expect(stat(path.resolve(getEnv().STORAGE_DIR, 'tasks', task.id))).rejects.toThrow();
    }
    for (const task of [running, queued]) {
      expect(await prisma.task.findUnique({ where: { id: task.id } })).not.toBeNull();
      expect(await prisma.taskFile.count({ where: { taskId: task.id } })).toBe(2);
      for (const key of task.keys) expect(await exists(key), key).toBe(true);
    }
  });

  it('is audited once, with the ids asked for and the ids deleted', async () => {
    const done = await seedWithFiles('succeeded');
    const busy = await seedWithFiles('running');
    const marker = `bulk-delete-${randomUUID()}`;
    await runBulkTaskAction(
      admin.principal,
      { action: 'delete', ids: [done.id, busy.id] },
      { ip: '203.0.113.9', userAgent: marker },
    );
    const events = await getPrisma().auditEvent.findMany({ where: { userAgent: marker } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'tasks.bulk_delete',
      actorId: admin.principal.userId,
      ip: '203.0.113.9',
      details: { requested: 2, succeeded: 1, ids: [done.id, busy.id], deletedIds: [done.id] },
    });
  });

  it('refuses users, even for their own finished tasks, and deletes nothing', async () => {
    const own = await seedWithFiles('succeeded');
    await expect(
      runBulkTaskAction(alice.principal, { action: 'delete', ids: [own.id] }, NO_AUDIT_CONTEXT),
    ).rejects.toMatchObject({ status: 403 });
    expect(await getPrisma().task.count({ where: { id: own.id } })).toBe(1);
    for (const key of own.keys) expect(await exists(key)).toBe(true);
  });

  it('works over REST: POST /api/v1/tasks/bulk with action delete', async () => {
    const done = await seedWithFiles('cancelled');
    const busy = await seedWithFiles('retrying');
    const post = (who: TestUser) =>
      bulkPost(
        new Request('http://localhost/api/v1/tasks/bulk', {
          method: 'POST',
          // As the admin page's own fetch sends it: same origin.
          headers: {
            cookie: who.cookie,
            origin: 'http://localhost',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ action: 'delete', ids: [done.id, busy.id] }),
        }),
        {},
      );
    expect((await post(alice)).status).toBe(403);
    const response = await post(admin);
    expect(response.status).toBe(200);
    const body = (await response.json()) as BulkResult;
    expect(body.results).toEqual([
      { id: done.id, ok: true, status: 'cancelled' },
      { id: busy.id, ok: false, error: 'still retrying' },
    ]);
    expect(await getPrisma().task.count({ where: { id: { in: [done.id, busy.id] } } })).toBe(1);
  });
});
