import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { resetEnvCache } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { listAuditEvents, NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { cancelTask, retryTask, runBulkTaskAction } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, listTasks } from '@/server/tasks/task-service';
import { diagnosticsStall } from '@/server/tasks/types/diagnostics-stall';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { movesOf, readTimeline, waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// Time limits (hard: aborted and failed with a timeout; soft: told, wraps up), retries by hand
// with the history kept, and the dead letters retried in bulk by an admin.

/** How long an aborted processor is waited for before it is abandoned. */
const CANCEL_DEADLINE_MS = 1_000;

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  vi.stubEnv('CANCEL_DEADLINE_MS', String(CANCEL_DEADLINE_MS));
  resetEnvCache();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
  worker = await startTaskWorker();
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** Fails on each of its 3 automatic attempts, then succeeds on the next (a retry by hand). */
async function createDeadLetter(principal = owner.principal): Promise<TaskView> {
  const task = await createTask(principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 2, stepMs: 0, failAtStep: 1, failAttempts: 3 },
  });
  expect(await bus.waitForUpdate(task.id, isTerminal, 20_000)).toMatchObject({
    status: 'failed',
    attempt: 3,
  });
  return getTask(principal, task.id);
}

describe('time limits', () => {
  it('aborts at the hard limit and fails with a timeout, whatever the processor returns later', async () => {
    const { timeoutMs } = diagnosticsStall.defaults;
    const task = await createTask(admin.principal, {
      type: 'diagnostics.stall',
      // Past the hard limit plus the deadline, so it is abandoned, then returns on its own.
      payload: { durationMs: timeoutMs + CANCEL_DEADLINE_MS + 1_000 },
    });
    const running = await bus.waitForUpdate(task.id, (u) => u.status === 'running');
    const done = await bus.waitForUpdate(task.id, isTerminal, 15_000);
    expect(done).toMatchObject({
      status: 'failed',
      attempt: 1,
      error: { code: 'timeout', message: 'The task took longer than its hard time limit of 4 s.' },
    });
    const timeline = await readTimeline(admin.principal, task.id);
    expect(movesOf(timeline)).toEqual(['∅→queued', 'queued→running', 'running→failed']);
    expect(timeline[2]!.reason).toMatch(/^timeout: /);
    expect(Date.parse(timeline[2]!.at) - Date.parse(running.startedAt!)).toBeGreaterThanOrEqual(
      timeoutMs,
    );

    // Its late return (the last progress report of that attempt is 100 %) changes nothing.
    await bus.waitForUpdate(
      task.id,
      (u) => u.revision === running.revision && u.progress === 100,
      15_000,
    );
    expect(await getTask(admin.principal, task.id)).toMatchObject({
      status: 'failed',
      revision: done.revision,
      result: null,
      error: { code: 'timeout' },
    });
    expect(await readTimeline(admin.principal, task.id)).toHaveLength(3);
  });

  it('tells the processor at the soft limit; one that wraps up succeeds', async () => {
    const task = await createTask(admin.principal, {
      type: 'diagnostics.stall',
      payload: { durationMs: 10_000, honourSoftLimit: true },
    });
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', result: { wrappedUp: true } });
    expect((done.result as { elapsedMs: number }).elapsedMs).toBeLessThan(10_000);
    expect(
      bus
        .updatesOf(task.id)
        .some((u) => u.progressMessage === 'Soft time limit reached: wrapping up'),
    ).toBe(true);
    const timeline = await readTimeline(admin.principal, task.id);
    expect(movesOf(timeline)).toEqual(['∅→queued', 'queued→running', 'running→succeeded']);
  });
});

describe('retry by hand', () => {
  it('runs a failed task again as a new attempt of the same task, history kept', async () => {
    const failed = await createDeadLetter();
    const before = await readTimeline(owner.principal, failed.id);
    expect(before).toHaveLength(7);

    const queued = await retryTask(owner.principal, failed.id, NO_AUDIT_CONTEXT);
    expect(queued).toMatchObject({
      id: failed.id,
      status: 'queued',
      attempts: 3,
      maxAttempts: 6,
      error: null,
      progress: 0,
      finishedAt: null,
    });
    const done = await bus.waitForUpdate(
      failed.id,
      (u) => isTerminal(u) && u.revision > failed.revision,
    );
    expect(done).toMatchObject({ status: 'succeeded', attempt: 4 });

    const timeline = await readTimeline(owner.principal, failed.id);
    expect(timeline.slice(0, 7)).toEqual(before);
    expect(movesOf(timeline.slice(7))).toEqual([
      'failed→queued',
      'queued→running',
      'running→succeeded',
    ]);
    expect(timeline[7]).toMatchObject({
      reason: 'Retried by hand.',
      actorId: owner.principal.userId,
      attempt: 3,
    });
    // A new BullMQ job for the new attempt; the old one stays failed.
    expect(await waitForJobState('diagnostics', `${failed.id}-r1`, ['completed'])).toBe(
      'completed',
    );
    expect(await waitForJobState('diagnostics', failed.id, ['failed'])).toBe('failed');

    const retryAgain = retryTask(owner.principal, failed.id, NO_AUDIT_CONTEXT);
    await expect(retryAgain).rejects.toBeInstanceOf(ConflictError);
    await expect(retryAgain).rejects.toMatchObject({ status: 409 });
  });

  it('runs a cancelled task again; an admin retrying it is audited', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
    const queued = await retryTask(admin.principal, task.id, NO_AUDIT_CONTEXT);
    // Due now: the retry does not wait for the original delay.
    expect(queued).toMatchObject({ status: 'queued', runAt: null, cancelRequestedAt: null });
    const done = await bus.waitForUpdate(
      task.id,
      (u) => isTerminal(u) && u.revision > queued.revision,
    );
    expect(done).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(movesOf(await readTimeline(owner.principal, task.id))).toEqual([
      '∅→delayed',
      'delayed→cancelled',
      'cancelled→queued',
      'queued→running',
      'running→succeeded',
    ]);
    const audit = await listAuditEvents(admin.principal, { action: 'task.retry', limit: 50 });
    expect(audit.data.find((event) => event.targetId === task.id)).toMatchObject({
      actorEmail: admin.email,
      targetType: 'task',
      details: { ownerId: owner.principal.userId },
    });
  });
});

describe('dead letters in bulk', () => {
  it('an admin retries the listed dead letters; each outcome is reported', async () => {
    const [first, second] = await Promise.all([createDeadLetter(), createDeadLetter()]);
    const succeeded = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
    });
    await bus.waitForUpdate(succeeded.id, isTerminal);
    // An admin sees everyone's dead letters, each with its error.
    const deadLetters = await listTasks(admin.principal, { status: 'failed', limit: 100 });
    expect(deadLetters.data.every((task) => task.status === 'failed')).toBe(true);
    for (const task of [first!, second!]) {
      expect(deadLetters.data.find((listed) => listed.id === task.id)).toMatchObject({
        error: { code: 'Error', message: 'Simulated failure at step 1' },
        attempts: 3,
      });
    }

    const missing = '00000000-0000-7000-8000-0000000000ff';
    const ids = [first!.id, second!.id, succeeded.id, missing];
    await expect(
      runBulkTaskAction(owner.principal, { action: 'retry', ids }, NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getTask(owner.principal, first!.id)).status).toBe('failed');

    const outcome = await runBulkTaskAction(
      admin.principal,
      { action: 'retry', ids },
      NO_AUDIT_CONTEXT,
    );
    expect(outcome).toMatchObject({ succeeded: 2, failed: 2 });
    expect(outcome.results).toEqual([
      { id: first!.id, ok: true, status: 'queued' },
      { id: second!.id, ok: true, status: 'queued' },
      { id: succeeded.id, ok: false, error: expect.stringMatching(/^Only failed or cancelled/) },
      { id: missing, ok: false, error: 'No such task.' },
    ]);
    for (const task of [first!, second!]) {
      const done = await bus.waitForUpdate(
        task.id,
        (u) => isTerminal(u) && u.revision > task.revision,
      );
      expect(done).toMatchObject({ status: 'succeeded', attempt: 4 });
      expect((await readTimeline(owner.principal, task.id))[7]).toMatchObject({
        from: 'failed',
        to: 'queued',
        actorId: admin.principal.userId,
      });
    }
    const audit = await listAuditEvents(admin.principal, { action: 'tasks.bulk_retry', limit: 5 });
    expect(audit.data[0]).toMatchObject({
      actorEmail: admin.email,
      details: { requested: 4, succeeded: 2, ids },
    });
  });

  it('an admin cancels in bulk: waiting tasks end cancelled, finished ones are reported', async () => {
    const delayed = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    const failed = await createDeadLetter();
    const outcome = await runBulkTaskAction(
      admin.principal,
      { action: 'cancel', ids: [delayed.id, failed.id] },
      NO_AUDIT_CONTEXT,
    );
    expect(outcome.results).toEqual([
      { id: delayed.id, ok: true, status: 'cancelled' },
      { id: failed.id, ok: false, error: expect.stringMatching(/already failed/) },
    ]);
    expect(await waitForJobState('diagnostics', delayed.id, ['unknown'])).toBe('unknown');
    const audit = await listAuditEvents(admin.principal, { action: 'tasks.bulk_cancel', limit: 5 });
    expect(audit.data[0]).toMatchObject({ details: { requested: 2, succeeded: 1 } });
  });
});
