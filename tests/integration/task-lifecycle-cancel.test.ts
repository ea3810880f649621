import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { setQueuePaused } from '@/server/queues/queue-service';
import { getStorage } from '@/server/storage/storage';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { scratchKeyFor } from '@/server/tasks/types/diagnostics-simulate-processor';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { movesOf, readTimeline, visibleStatuses, waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// Cancelling in every status, with the work held by a worker in ANOTHER process, as in
// production: the request travels over Redis from this process to the one holding the job.

/** Short, so a forced cancel is quick; set here (the web side stamps the deadline) and there. */
const CANCEL_DEADLINE_MS = 1_500;

const bus = new BusRecorder();
let owner: TestUser;
let admin: TestUser;
let worker: SpawnedProcess;

beforeAll(async () => {
  vi.stubEnv('CANCEL_DEADLINE_MS', String(CANCEL_DEADLINE_MS));
  resetEnvCache();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
  worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
  await worker.waitForOutput(/worker started/);
});

afterAll(async () => {
  await getQueue('diagnostics').resume();
  await worker.stop('SIGTERM');
  await killAllSpawned();
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function withDiagnosticsPaused<T>(run: () => Promise<T>): Promise<T> {
  await setQueuePaused(admin.principal, 'diagnostics', true, NO_AUDIT_CONTEXT);
  try {
    return await run();
  } finally {
    await setQueuePaused(admin.principal, 'diagnostics', false, NO_AUDIT_CONTEXT);
  }
}

/** Runs a task to its end on the worker: proof the worker took jobs while the other sat still. */
async function runProbe(): Promise<void> {
  const probe = await createTask(owner.principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 1, stepMs: 0 },
  });
  expect((await bus.waitForUpdate(probe.id, isTerminal)).status).toBe('succeeded');
}

async function expectCancelledBeforeRunning(task: TaskView, from: string) {
  const cancelled = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
  expect(cancelled).toMatchObject({ status: 'cancelled', retryAt: null, attempts: task.attempts });
  expect(cancelled.cancelRequestedAt).not.toBeNull();
  expect(cancelled.finishedAt).not.toBeNull();
  expect(await getQueue('diagnostics').getJob(task.id)).toBeUndefined();
  const timeline = await readTimeline(owner.principal, task.id);
  expect(timeline.at(-1)).toMatchObject({
    from,
    to: 'cancelled',
    reason: 'Cancelled before it ran.',
    actorId: owner.principal.userId,
  });
  // Asking again changes nothing.
  const again = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
  expect(again).toMatchObject({ status: 'cancelled', revision: cancelled.revision });
  return timeline;
}

describe('cancelling before the task runs', () => {
  it('a queued task is cancelled at once and its job removed', async () => {
    const task = await withDiagnosticsPaused(async () => {
      const queued = await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
      });
      expect(await getQueue('diagnostics').getJobState(queued.id)).toMatch(/waiting|prioritized/);
      const timeline = await expectCancelledBeforeRunning(queued, 'queued');
      expect(movesOf(timeline)).toEqual(['∅→queued', 'queued→cancelled']);
      return queued;
    });
    await runProbe();
    expect(await getTask(owner.principal, task.id)).toMatchObject({
      status: 'cancelled',
      attempts: 0,
    });
  });

  it('a delayed task is cancelled at once and its job removed', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    expect(await getQueue('diagnostics').getJobState(task.id)).toBe('delayed');
    const timeline = await expectCancelledBeforeRunning(task, 'delayed');
    expect(movesOf(timeline)).toEqual(['∅→delayed', 'delayed→cancelled']);
  });

  it('a task waiting out its backoff is cancelled at once, and no attempt follows', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 3, stepMs: 150, failAtStep: 2, failAttempts: 1 },
    });
    await bus.waitForUpdate(task.id, (u) => u.status === 'running');
    // Paused while attempt 1 runs: its retry then stays waiting however long the test takes.
    await withDiagnosticsPaused(async () => {
      const retrying = await bus.waitForUpdate(task.id, (u) => u.status === 'retrying');
      expect(retrying.retryAt).not.toBeNull();
      const timeline = await expectCancelledBeforeRunning(
        await getTask(owner.principal, task.id),
        'retrying',
      );
      expect(movesOf(timeline)).toEqual([
        '∅→queued',
        'queued→running',
        'running→retrying',
        'retrying→cancelled',
      ]);
    });
    await runProbe();
    expect(await getTask(owner.principal, task.id)).toMatchObject({
      status: 'cancelled',
      attempts: 1,
    });
  });
});

describe('cancelling a task running in another process', () => {
  it('reaches the worker: signal, cleanup, cancelling then cancelled, no further attempt', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 50, stepMs: 200, scratch: true },
    });
    await bus.waitForUpdate(task.id, (u) => u.status === 'running' && u.progress > 0);
    const scratch = scratchKeyFor(task.id, 1);
    expect(await getStorage().exists(scratch)).toBe(true);

    const cancelling = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
    expect(cancelling).toMatchObject({ status: 'cancelling', progressMessage: 'Cancelling…' });
    expect(cancelling.cancelRequestedAt).not.toBeNull();
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'cancelled', attempt: 1, progressMessage: 'Cancelled' });
    expect(visibleStatuses(bus, task)).toEqual(['queued', 'running', 'cancelling', 'cancelled']);

    await worker.waitForOutput(new RegExp(`"taskId":"${task.id}"[^\\n]*"cancel signal fired"`));
    // The processor's finally ran in the other process: the scratch file is gone.
    expect(await getStorage().exists(scratch)).toBe(false);

    const timeline = await readTimeline(owner.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→cancelling',
      'cancelling→cancelled',
    ]);
    expect(timeline[2]).toMatchObject({
      reason: 'Cancel requested.',
      actorId: owner.principal.userId,
    });
    expect(timeline[3]!.reason).toBe('Stopped on request.');
    // The job failed for good in BullMQ: nothing can start another attempt of it.
    expect(await waitForJobState('diagnostics', task.id, ['failed'])).toBe('failed');
    const stored = await getTask(owner.principal, task.id);
    expect(stored).toMatchObject({ status: 'cancelled', attempts: 1, result: null, error: null });
    expect(stored.progress).toBeLessThan(100);
  });

  it('forces the stop of a processor that ignores its signal, and ignores its late result', async () => {
    const task = await createTask(admin.principal, {
      type: 'diagnostics.stall',
      // Under the 4 s hard limit: the processor returns on its own, after the forced cancel.
      payload: { durationMs: 3_000 },
    });
    const running = await bus.waitForUpdate(
      task.id,
      (u) => u.status === 'running' && u.progress > 0,
    );
    const cancelling = await cancelTask(admin.principal, task.id, NO_AUDIT_CONTEXT);
    expect(cancelling.status).toBe('cancelling');
    const done = await bus.waitForUpdate(task.id, isTerminal, 10_000);
    expect(done.status).toBe('cancelled');

    const timeline = await readTimeline(admin.principal, task.id);
    expect(movesOf(timeline)).toEqual([
      '∅→queued',
      'queued→running',
      'running→cancelling',
      'cancelling→cancelled',
    ]);
    const forced = timeline[3]!;
    expect(forced.reason).toMatch(/^Forced: the processor did not stop within the deadline/);
    // Given its whole deadline first (10 ms of slack: the timer and the clocks round to ms).
    const requestedAt = Date.parse(cancelling.cancelRequestedAt!);
    expect(Date.parse(forced.at) - requestedAt).toBeGreaterThanOrEqual(CANCEL_DEADLINE_MS - 10);

    // The processor ran on to its end (its reporter's last event says 100 %); what it returned
    // changed nothing.
    await bus.waitForUpdate(
      task.id,
      (u) => u.revision === running.revision && u.progress === 100,
      10_000,
    );
    await runProbe();
    const stored = await getTask(admin.principal, task.id);
    expect(stored).toMatchObject({
      status: 'cancelled',
      revision: done.revision,
      result: null,
      progressMessage: 'Cancelled',
    });
    expect(stored.progress).toBeLessThan(100);
    expect(await readTimeline(admin.principal, task.id)).toHaveLength(4);
    expect(visibleStatuses(bus, task)).toEqual(['queued', 'running', 'cancelling', 'cancelled']);
  });
});
