import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { purgeExpiredTasks } from '@/server/maintenance/retention-service';
import { createLocalStorage } from '@/server/storage/local-storage';
import { getStorage, type Storage } from '@/server/storage/storage';
import { createTask, submitTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { createTestUser, type TestUser } from '../support/users';

// Retention: finished tasks past the age go with everything they stored, files before rows;
// unfinished tasks stay whatever their age, and so do recent ones.

const DAY_MS = 86_400_000;
const FINISHED: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];
const UNFINISHED: readonly TaskStatus[] = [
  'queued',
  'delayed',
  'running',
  'retrying',
  'cancelling',
];

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let user: TestUser;
let admin: TestUser;
let tempDir: string;

interface Seeded {
  id: string;
  status: TaskStatus;
  keys: string[];
  bytes: number;
}

async function* bodyOf(content: string): AsyncGenerator<string> {
  yield content;
}

/**
 * A task row with an input and an output recorded in task_files (real files in `storage`), a
 * log line and a transition. `finishedAt` is set even on unfinished ones: a task retried by hand
 * is queued again with the finished_at of its earlier end.
 */
async function seedTask(
  storage: Storage,
  status: TaskStatus,
  finishedAt: Date,
  ownerId: string,
): Promise<Seeded> {
  const id = uuid7();
  const files = [
    // The layouts uploads and outputs really use: tasks/<id>/input/original, …/outputs/<name>.
    { role: 'input', kind: 'upload', name: 'data.csv', key: `tasks/${id}/input/original` },
    { role: 'output', kind: 'report', name: 'out.csv', key: `tasks/${id}/outputs/out.csv` },
  ];
  const sizes: number[] = [];
  for (const file of files) {
    sizes.push((await storage.write(file.key, bodyOf(`${file.name} of ${id}\n`.repeat(3)))).size);
  }
  await getPrisma().task.create({
    data: {
      id,
      type: 'diagnostics.simulate',
      queue: 'diagnostics',
      status,
      payload: {},
      maxAttempts: 1,
      ownerId,
      createdAt: new Date(finishedAt.getTime() - 60_000),
      finishedAt,
      files: {
        create: files.map((file, index) => ({
          id: uuid7(),
          role: file.role,
          kind: file.kind,
          name: file.name,
          storageKey: file.key,
          contentType: 'text/csv',
          size: BigInt(sizes[index] ?? 0),
        })),
      },
      logs: { create: { id: uuid7(), attempt: 1, level: 'info', message: 'seeded' } },
      transitions: { create: { id: uuid7(), revision: 1, attempt: 0, toStatus: status } },
    },
  });
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  return { id, status, keys: files.map((file) => file.key), bytes };
}

const roots = new Map<Storage, string>();
function storageRoot(storage: Storage): string {
  return roots.get(storage) ?? path.resolve(getEnv().STORAGE_DIR);
}

async function expectGone(storage: Storage, seeded: readonly Seeded[]): Promise<void> {
  const ids = seeded.map((task) => task.id);
  expect(await getPrisma().task.count({ where: { id: { in: ids } } })).toBe(0);
  expect(await getPrisma().taskFile.count({ where: { taskId: { in: ids } } })).toBe(0);
  expect(await getPrisma().taskLog.count({ where: { taskId: { in: ids } } })).toBe(0);
  expect(await getPrisma().taskTransition.count({ where: { taskId: { in: ids } } })).toBe(0);
  for (const task of seeded) {
    for (const key of task.keys) expect(await storage.exists(key)).toBe(false);
    // The whole tasks/<id>/ tree, not only the files we know of.
    await expect(stat(path.join(storageRoot(storage), 'tasks', task.id))).rejects.toThrow();
  }
}

async function expectKept(storage: Storage, seeded: readonly Seeded[]): Promise<void> {
  const ids = seeded.map((task) => task.id);
  expect(await getPrisma().task.count({ where: { id: { in: ids } } })).toBe(ids.length);
  expect(await getPrisma().taskFile.count({ where: { taskId: { in: ids } } })).toBe(ids.length * 2);
  for (const task of seeded) {
    for (const key of task.keys) expect(await storage.exists(key)).toBe(true);
  }
}

beforeAll(async () => {
  [user, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-retention-'));
  await bus.start();
  // Started before seeding: a starting worker settles tasks it finds `cancelling`.
  worker = await startTaskWorker({ queues: ['maintenance'] });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
  await rm(tempDir, { recursive: true, force: true });
});

describe('purgeExpiredTasks', () => {
  // Years before anything another test file seeds, so the cutoff picks out only these.
  const longAgo = new Date('1990-06-01T00:00:00Z');
  const cutoff = new Date('1995-01-01T00:00:00Z');

  it('removes old finished tasks in batches, files and rows, and nothing else', async () => {
    const storage = createLocalStorage(tempDir);
    roots.set(storage, tempDir);
    const owner = user.principal.userId;
    const old: Seeded[] = [];
    for (const status of [...FINISHED, ...FINISHED, 'succeeded' as const]) {
      old.push(await seedTask(storage, status, longAgo, owner));
    }
    const oldUnfinished = await Promise.all(
      UNFINISHED.map((status) => seedTask(storage, status, longAgo, owner)),
    );
    const recent = await Promise.all(
      FINISHED.map((status) => seedTask(storage, status, new Date('1999-01-01T00:00:00Z'), owner)),
    );
    const stale = path.join(tempDir, 'tasks/partials/x.0001.partial');
    const fresh = path.join(tempDir, 'tasks/partials/y.0002.partial');
    await mkdir(path.dirname(stale), { recursive: true });
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    await utimes(stale, twoDaysAgo, twoDaysAgo);

    const batches: Array<{ tasks: number; due: number }> = [];
    const outcome = await purgeExpiredTasks({
      olderThan: cutoff,
      batchSize: 3,
      storage,
      onProgress: ({ totals, due }) => batches.push({ tasks: totals.tasks, due }),
    });

    expect(outcome).toEqual({
      tasks: old.length,
      files: old.length * 2,
      bytes: old.reduce((sum, task) => sum + task.bytes, 0),
      partials: 1,
      skipped: 0,
      complete: true,
    });
    expect(batches).toEqual([
      { tasks: 3, due: 7 },
      { tasks: 6, due: 7 },
      { tasks: 7, due: 7 },
    ]);
    await expectGone(storage, old);
    await expectKept(storage, [...oldUnfinished, ...recent]);
    await expect(stat(stale)).rejects.toThrow();
    expect((await stat(fresh)).isFile()).toBe(true);
    await rm(path.dirname(fresh), { recursive: true });
    // Clean up this test's survivors so the next ones start from known rows.
    await getPrisma().task.deleteMany({
      where: { id: { in: [...oldUnfinished, ...recent].map((task) => task.id) } },
    });
  });

  it('keeps a task whose files cannot be removed, and one another transaction holds', async () => {
    const local = createLocalStorage(tempDir);
    roots.set(local, tempDir);
    const owner = user.principal.userId;
    const [stubborn, locked, plain] = [
      await seedTask(local, 'failed', longAgo, owner),
      await seedTask(local, 'failed', longAgo, owner),
      await seedTask(local, 'succeeded', longAgo, owner),
    ];
    // The disk refuses one task's files: its row must stay, for a later run to try again.
    const refusing: Storage = {
      ...local,
      async deletePrefix(prefix) {
        if (prefix === `tasks/${stubborn!.id}`) throw new Error('EACCES: permission denied');
        await local.deletePrefix(prefix);
      },
    };
    roots.set(refusing, tempDir);

    // A retry by hand in progress holds its row: the purge must pass it by, files and all.
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let markLocked!: () => void;
    const isLocked = new Promise<void>((resolve) => (markLocked = resolve));
    const holder = getPrisma().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM tasks WHERE id = ${locked!.id}::uuid FOR UPDATE`;
        markLocked();
        await holding;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    const outcome = await purgeExpiredTasks({
      olderThan: cutoff,
      batchSize: 10,
      storage: refusing,
    });
    release();
    await holder;

    expect(outcome).toMatchObject({ tasks: 1, files: 2, bytes: plain!.bytes, skipped: 1 });
    await expectGone(local, [plain!]);
    expect(await getPrisma().task.count({ where: { id: stubborn!.id } })).toBe(1);
    await expectKept(local, [locked!]);

    // Once the disk and the lock let go, the next run finishes the job.
    const again = await purgeExpiredTasks({ olderThan: cutoff, storage: local });
    expect(again).toMatchObject({ tasks: 2, skipped: 0 });
    await expectGone(local, [locked!]);
    expect(await getPrisma().task.count({ where: { id: stubborn!.id } })).toBe(0);
  });

  it('removes nothing when cancelled before it starts', async () => {
    const storage = createLocalStorage(tempDir);
    roots.set(storage, tempDir);
    const seeded = await seedTask(storage, 'succeeded', longAgo, user.principal.userId);
    const controller = new AbortController();
    controller.abort();
    await expect(
      purgeExpiredTasks({ olderThan: cutoff, storage, signal: controller.signal }),
    ).rejects.toThrow();
    await expectKept(storage, [seeded]);
    await purgeExpiredTasks({ olderThan: cutoff, storage });
    await expectGone(storage, [seeded]);
  });
});

describe('maintenance.cleanup', () => {
  it('runs through the worker with the retention age, reporting progress and a log', async () => {
    const storage = getStorage();
    const owner = user.principal.userId;
    const now = Date.now();
    const old = await Promise.all(
      FINISHED.map((status) => seedTask(storage, status, new Date(now - 400 * DAY_MS), owner)),
    );
    const oldUnfinished = await Promise.all(
      UNFINISHED.map((status) => seedTask(storage, status, new Date(now - 400 * DAY_MS), owner)),
    );
    const recent = await Promise.all(
      FINISHED.map((status) => seedTask(storage, status, new Date(now - DAY_MS), owner)),
    );
    // Other test files leave old finished tasks behind too: count what is due, as the task will.
    const dueWhere = {
      status: { in: [...FINISHED] },
      finishedAt: { lt: new Date(now - 30 * DAY_MS) },
    };
    const dueTasks = await getPrisma().task.count({ where: dueWhere });
    const dueFiles = await getPrisma().taskFile.aggregate({
      where: { task: dueWhere },
      _count: { _all: true },
      _sum: { size: true },
    });
    expect(dueTasks).toBeGreaterThanOrEqual(old.length);

    const task = await createTask(admin.principal, {
      type: 'maintenance.cleanup',
      payload: { olderThanDays: 30 },
    });
    expect(task).toMatchObject({ queue: 'maintenance', maxAttempts: 3 });
    const done = await bus.waitForUpdate(task.id, isTerminal, 30_000);
    expect(done.status).toBe('succeeded');

    const result = (await getTask(admin.principal, task.id)).result as Record<string, unknown>;
    expect(result).toMatchObject({
      olderThanDays: 30,
      tasks: dueTasks,
      files: dueFiles._count._all,
      bytes: Number(dueFiles._sum.size ?? 0),
      skipped: 0,
      complete: true,
    });
    const cutoff = Date.parse(result.cutoff as string);
    expect(Math.abs(cutoff - (now - 30 * DAY_MS))).toBeLessThan(60_000);

    const progress = bus
      .updatesOf(task.id)
      .map((update) => update.progressMessage ?? '')
      .filter((message) => message.startsWith('Removed '));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatch(/^Removed \d+ tasks \(\d+(\.\d)? (bytes|KiB|MiB|GiB|TiB)\)/);
    const logs = await getPrisma().taskLog.findMany({
      where: { taskId: task.id },
      orderBy: { id: 'asc' },
    });
    expect(logs.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Removing tasks that finished more than 30 days ago/),
        expect.stringMatching(/^Batch: \d+ tasks, \d+ files/),
        expect.stringMatching(/^Removed \d+ tasks, \d+ files .*\.$/),
      ]),
    );

    await expectGone(storage, old);
    await expectKept(storage, [...oldUnfinished, ...recent]);
    // The cleanup task itself is finished now, and young: the next run leaves it alone.
    expect(await getPrisma().task.count({ where: { id: task.id } })).toBe(1);
  });

  it('can only be submitted by admins, and email.send by nobody', async () => {
    const refused = submitTask(user.principal, { type: 'maintenance.cleanup', payload: {} });
    await expect(refused).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refused).rejects.toMatchObject({ status: 403 });
    await expect(
      submitTask(admin.principal, { type: 'maintenance.cleanup', payload: { olderThanDays: 0 } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      submitTask(admin.principal, {
        type: 'email.send',
        payload: { to: 'a@example.com', subject: 'Hi', text: 'x' },
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
