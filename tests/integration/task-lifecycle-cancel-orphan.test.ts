import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { movesOf, readTimeline, visibleStatuses } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// Cancelling a task whose worker process died while running it: nobody can confirm the stop,
// so another worker (or the next one to start) must still end it cancelled.

const CANCEL_DEADLINE_MS = 1_000;
/** server/tasks/abandoned-cancels.ts: how long after the deadline a worker not holding the job steps in. */
const BACKSTOP_GRACE_MS = 2_000;

const bus = new BusRecorder();
let owner: TestUser;
let survivor: RunningTaskWorker | undefined;

beforeAll(async () => {
  vi.stubEnv('CANCEL_DEADLINE_MS', String(CANCEL_DEADLINE_MS));
  resetEnvCache();
  owner = await createTestUser();
  await bus.start();
});

afterEach(async () => {
  await survivor?.stop(5_000);
  survivor = undefined;
});

afterAll(async () => {
  await killAllSpawned();
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** A task running in a worker process that is then killed outright (no shutdown, no hand-back). */
async function startOrphan(): Promise<TaskView> {
  const doomed = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
  await doomed.waitForOutput(/worker started/);
  const task = await createTask(owner.principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 100, stepMs: 200 },
  });
  await bus.waitForUpdate(task.id, (u) => u.status === 'running' && u.progress > 0);
  expect(await doomed.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
  return task;
}

async function expectForcedCancel(task: TaskView, reason: string, notBefore: number) {
  const timeline = await readTimeline(owner.principal, task.id);
  expect(movesOf(timeline)).toEqual([
    '∅→queued',
    'queued→running',
    'running→cancelling',
    'cancelling→cancelled',
  ]);
  expect(timeline[3]!.reason).toBe(reason);
  // 10 ms of slack: timers and the stored clocks round to ms.
  expect(Date.parse(timeline[3]!.at)).toBeGreaterThanOrEqual(notBefore - 10);
  expect(await getTask(owner.principal, task.id)).toMatchObject({
    status: 'cancelled',
    attempts: 1,
    result: null,
  });
}

describe('cancelling a task whose worker died', () => {
  it('a surviving worker marks it cancelled once the deadline and its grace have passed', async () => {
    const task = await startOrphan();
    survivor = await startTaskWorker({ queues: ['diagnostics'] });
    const cancelling = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
    expect(cancelling.status).toBe('cancelling');
    const done = await bus.waitForUpdate(task.id, isTerminal, 15_000);
    expect(done.status).toBe('cancelled');
    expect(visibleStatuses(bus, task)).toEqual(['queued', 'running', 'cancelling', 'cancelled']);
    await expectForcedCancel(
      task,
      'Forced: the worker holding it did not confirm the stop.',
      Date.parse(cancelling.cancelRequestedAt!) + CANCEL_DEADLINE_MS + BACKSTOP_GRACE_MS,
    );
  });

  it('with no worker alive then, the next worker to start marks it cancelled', async () => {
    const task = await startOrphan();
    const cancelling = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
    const requestedAt = Date.parse(cancelling.cancelRequestedAt!);
    // Nobody heard the request; it stays cancelling until a worker starts after the deadline.
    await sleep(requestedAt + CANCEL_DEADLINE_MS + BACKSTOP_GRACE_MS + 50 - Date.now());
    expect((await getTask(owner.principal, task.id)).status).toBe('cancelling');

    survivor = await startTaskWorker({ queues: ['diagnostics'] });
    await expectForcedCancel(
      task,
      'Forced: no worker confirmed the stop before its deadline.',
      requestedAt + CANCEL_DEADLINE_MS + BACKSTOP_GRACE_MS,
    );
    expect((await bus.waitForUpdate(task.id, isTerminal)).status).toBe('cancelled');
  });
});
