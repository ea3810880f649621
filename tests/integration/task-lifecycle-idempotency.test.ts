import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError } from '@/lib/errors';
import type { TaskView } from '@/lib/tasks/task-view';
import { executeAction } from '@/server/actions/action-definition';
import { requestReport as requestReportAction } from '@/server/tasks/task-actions';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { submitTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { readTimeline } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// A repeated submit (a retried request, a double click) returns the task the first one
// created, never a second one. Keys belong to their user.

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
  ]);
  await bus.start();
  worker = await startTaskWorker();
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

const input = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };

function tasksWithKey(user: TestUser, key: string) {
  return getPrisma().task.findMany({
    where: { ownerId: user.principal.userId, idempotencyKey: key },
  });
}

/** The task ran once to its end: one attempt, one announcement to clients. */
async function expectRanOnce(user: TestUser, task: TaskView) {
  expect((await bus.waitForUpdate(task.id, isTerminal)).status).toBe('succeeded');
  const timeline = await readTimeline(user.principal, task.id);
  expect(timeline.filter((t) => t.to === 'running')).toHaveLength(1);
  const created = bus.messages.filter((m) => m.kind === 'task.created' && m.task.id === task.id);
  expect(created).toHaveLength(1);
}

describe('idempotent submit', () => {
  it('the same key twice returns the first task, marked as a replay', async () => {
    const key = `key-${randomUUID()}`;
    const first = await submitTask(alice.principal, input, { idempotencyKey: key });
    const second = await submitTask(alice.principal, input, { idempotencyKey: key });
    expect(first.replayed).toBe(false);
    expect(second).toMatchObject({ replayed: true, task: { id: first.task.id } });
    expect(await tasksWithKey(alice, key)).toHaveLength(1);
    await expectRanOnce(alice, first.task);
  });

  it('the same key submitted concurrently still makes one task', async () => {
    const key = `key-${randomUUID()}`;
    const submits = await Promise.all(
      Array.from({ length: 8 }, () => submitTask(alice.principal, input, { idempotencyKey: key })),
    );
    const ids = new Set(submits.map((submit) => submit.task.id));
    expect(ids.size).toBe(1);
    expect(submits.filter((submit) => !submit.replayed)).toHaveLength(1);
    expect(await tasksWithKey(alice, key)).toHaveLength(1);
    await expectRanOnce(alice, submits[0]!.task);
  });

  it('the same key with a different request is refused with 422', async () => {
    const key = `key-${randomUUID()}`;
    const { task } = await submitTask(alice.principal, input, { idempotencyKey: key });
    for (const changed of [
      { ...input, payload: { steps: 2, stepMs: 0 } },
      { ...input, priority: 'low' as const },
      { ...input, delayMs: 1_000 },
    ]) {
      const reused = submitTask(alice.principal, changed, { idempotencyKey: key });
      await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(reused).rejects.toMatchObject({ status: 422 });
    }
    expect((await tasksWithKey(alice, key)).map((row) => row.id)).toEqual([task.id]);
    await expectRanOnce(alice, task);
  });

  it('keys are per user: the same key from two users makes two tasks', async () => {
    const key = `key-${randomUUID()}`;
    const [fromAlice, fromBob] = await Promise.all([
      submitTask(alice.principal, input, { idempotencyKey: key }),
      submitTask(bob.principal, input, { idempotencyKey: key }),
    ]);
    expect(fromAlice.replayed).toBe(false);
    expect(fromBob.replayed).toBe(false);
    expect(fromAlice.task.id).not.toBe(fromBob.task.id);
    expect(fromBob.task.ownerId).toBe(bob.principal.userId);
    await expectRanOnce(alice, fromAlice.task);
    await expectRanOnce(bob, fromBob.task);
  });
});

describe('duplicate-submit guard on the report form', () => {
  function reportForm(values: Record<string, string>): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries({ from: '2001-07-01', to: '2001-07-01', ...values }))
      form.set(name, value);
    return form;
  }
  const requestReport = (form: FormData) =>
    executeAction(requestReportAction.definition, alice.principal, NO_AUDIT_CONTEXT, [form]);

  it('the same form submitted twice (and twice at once) returns the same task', async () => {
    const submissionId = randomUUID();
    const first = await requestReport(reportForm({ submissionId }));
    const again = await requestReport(reportForm({ submissionId }));
    const [clickA, clickB] = await Promise.all([
      requestReport(reportForm({ submissionId })),
      requestReport(reportForm({ submissionId })),
    ]);
    expect([again.id, clickA.id, clickB.id]).toEqual([first.id, first.id, first.id]);
    expect(await tasksWithKey(alice, `form:${submissionId}`)).toHaveLength(1);
    await expectRanOnce(alice, first);

    // A new rendering of the form (a new submission id) is a new request.
    const next = await requestReport(reportForm({ submissionId: randomUUID() }));
    expect(next.id).not.toBe(first.id);
    await expectRanOnce(alice, next);
  });

  it('refuses a malformed submission id rather than dropping the guard', async () => {
    await expect(requestReport(reportForm({ submissionId: 'twice' }))).rejects.toMatchObject({
      status: 400,
      fieldErrors: [expect.objectContaining({ path: 'submissionId' })],
    });
  });
});
