import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getTaskErrorDetail, getTaskWithDetail } from '@/server/tasks/task-error-detail';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, listTasks, listTaskTransitions } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { createTestUser, type TestUser } from '../support/users';

// A failed attempt's stack and cause chain: recorded by the worker with the attempt's timeline
// entry, read by admins only. The owner, the socket events and the lists keep the code and
// message alone.

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
  worker = await startTaskWorker();
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

/** A V8 stack frame line. */
const STACK_FRAME = /\n\s+at .+/;

describe('error detail', () => {
  it('keeps each failed attempt’s stack; admins read the last, the owner never', async () => {
    const created = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 2, stepMs: 0, failAtStep: 1, failAttempts: 5 },
    });
    const end = await bus.waitForUpdate(created.id, isTerminal, 20_000);
    expect(end.status).toBe('failed');

    const asAdmin = await getTaskWithDetail(admin.principal, created.id);
    expect(asAdmin.errorDetail).toMatchObject({ attempt: end.attempt });
    const text = asAdmin.errorDetail!.text;
    expect(text.startsWith('Error: Simulated failure at step 1')).toBe(true);
    expect(text).toMatch(STACK_FRAME);
    expect(text).toContain('diagnostics-simulate-processor');
    expect(await getTaskErrorDetail(admin.principal, created.id)).toEqual(asAdmin.errorDetail);

    // Every failed attempt recorded its own, next to its timeline entry.
    const recorded = await getPrisma().taskTransition.findMany({
      where: { taskId: created.id, errorDetail: { not: null } },
      select: { attempt: true, toStatus: true },
      orderBy: { revision: 'asc' },
    });
    expect(recorded.map((entry) => entry.toStatus).at(-1)).toBe('failed');
    expect(recorded.length).toBe(end.attempt);

    // The owner: the same task without the key, and null from the detail read.
    const asOwner = await getTaskWithDetail(owner.principal, created.id);
    expect('errorDetail' in asOwner).toBe(false);
    expect(asOwner.error).toMatchObject({ message: 'Simulated failure at step 1' });
    expect(await getTaskErrorDetail(owner.principal, created.id)).toBeNull();

    // Nothing else carries it: the view, the list, the timeline, the events on the bus.
    const everywhere = JSON.stringify([
      await getTask(admin.principal, created.id),
      (await listTasks(admin.principal, { q: created.id, limit: 5 })).data,
      await listTaskTransitions(admin.principal, created.id),
      bus.updatesOf(created.id),
    ]);
    expect(everywhere).not.toMatch(STACK_FRAME);
    expect(everywhere).not.toContain('diagnostics-simulate-processor');
  });

  it('a task that succeeded has none', async () => {
    const created = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
    });
    expect((await bus.waitForUpdate(created.id, isTerminal, 20_000)).status).toBe('succeeded');
    expect((await getTaskWithDetail(admin.principal, created.id)).errorDetail).toBeNull();
  });
});
