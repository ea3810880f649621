import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import type { TaskPriority, TaskView } from '@/lib/tasks/task-view';
import { listAuditEvents, NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { listQueues, setQueuePaused } from '@/server/queues/queue-service';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { movesOf, readTimeline } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// What the queue decides: which waiting task starts first (priority), and whether any starts
// at all (pause and resume).

const bus = new BusRecorder();
let owner: TestUser;
let admin: TestUser;
const workers: RunningTaskWorker[] = [];

beforeAll(async () => {
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
});

afterAll(async () => {
  await getQueue('diagnostics').resume();
  await Promise.all(workers.map((worker) => worker.stop(5_000)));
  await bus.stop();
  await closeClients();
});

async function startWorker(options: Parameters<typeof startTaskWorker>[0]) {
  const worker = await startTaskWorker(options);
  workers.push(worker);
  return worker;
}

async function stopWorker(worker: RunningTaskWorker) {
  await worker.stop(5_000);
  workers.splice(workers.indexOf(worker), 1);
}

async function runToEnd(task: TaskView, principal = owner.principal) {
  const done = await bus.waitForUpdate(task.id, isTerminal);
  expect(done.status).toBe('succeeded');
  return getTask(principal, task.id);
}

describe('priorities', () => {
  it('starts waiting tasks urgent first, then high, normal, low; in order within each', async () => {
    const submitted: TaskView[] = [];
    let worker: RunningTaskWorker | undefined;
    await setQueuePaused(admin.principal, 'diagnostics', true, NO_AUDIT_CONTEXT);
    try {
      for (const priority of ['low', 'normal', 'high', 'urgent', 'low', 'normal', 'high', 'urgent'])
        submitted.push(
          await createTask(admin.principal, {
            type: 'diagnostics.simulate',
            payload: { steps: 1, stepMs: 0 },
            priority: priority as TaskPriority,
          }),
        );
      expect(submitted.map((task) => task.priority)).toEqual([
        'low',
        'normal',
        'high',
        'urgent',
        'low',
        'normal',
        'high',
        'urgent',
      ]);
      // One at a time, so the start order is the queue's order.
      worker = await startWorker({ queues: ['diagnostics'], concurrency: 1 });
    } finally {
      await setQueuePaused(admin.principal, 'diagnostics', false, NO_AUDIT_CONTEXT);
    }
    const finished = [];
    for (const task of submitted) finished.push(await runToEnd(task, admin.principal));
    await stopWorker(worker!);

    const byStart = [...finished].sort(
      (a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!),
    );
    expect(byStart.map((task) => task.priority)).toEqual([
      'urgent',
      'urgent',
      'high',
      'high',
      'normal',
      'normal',
      'low',
      'low',
    ]);
    const [low1, normal1, high1, urgent1, low2, normal2, high2, urgent2] = submitted;
    expect(byStart.map((task) => task.id)).toEqual(
      [urgent1, urgent2, high1, high2, normal1, normal2, low1, low2].map((task) => task!.id),
    );
    // Serial: each started after the one before it had finished.
    for (let i = 1; i < byStart.length; i += 1) {
      expect(Date.parse(byStart[i]!.startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(byStart[i - 1]!.finishedAt!),
      );
    }
  });

  it('caps users at normal: high and urgent are refused and nothing is recorded', async () => {
    const count = () => getPrisma().task.count({ where: { ownerId: owner.principal.userId } });
    const before = await count();
    for (const priority of ['high', 'urgent'] as const) {
      const asking = createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
        priority,
      });
      await expect(asking).rejects.toBeInstanceOf(ForbiddenError);
      await expect(asking).rejects.toMatchObject({ status: 403 });
    }
    expect(await count()).toBe(before);
    const low = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      priority: 'low',
    });
    expect(low.priority).toBe('low');
    const worker = await startWorker({ queues: ['diagnostics'] });
    await runToEnd(low);
    await stopWorker(worker);
  });
});

describe('pause and resume', () => {
  it('a paused queue starts nothing while its worker serves other queues; resume runs it', async () => {
    const worker = await startWorker({});
    const probeOn = async (type: 'diagnostics.simulate' | 'report.generate') =>
      runToEnd(
        await createTask(owner.principal, {
          type,
          payload:
            type === 'report.generate'
              ? { from: '2001-06-01', to: '2001-06-01' }
              : { steps: 1, stepMs: 0 },
        }),
      );
    // The worker serves diagnostics...
    await probeOn('diagnostics.simulate');

    const paused = await setQueuePaused(admin.principal, 'diagnostics', true, NO_AUDIT_CONTEXT);
    let task: TaskView;
    try {
      expect(paused).toMatchObject({ name: 'diagnostics', paused: true });
      task = await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
      });
      // ...and, once a job on another queue has gone all the way through the same worker, the
      // paused queue's job has had every chance to start: it did not.
      await probeOn('report.generate');
      expect(await getTask(owner.principal, task.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
      });
      expect(await getQueue('diagnostics').getJobState(task.id)).toMatch(/waiting|prioritized/);
      const diagnostics = (await listQueues(admin.principal)).find((q) => q.name === 'diagnostics');
      expect(diagnostics).toMatchObject({ paused: true });
      expect(diagnostics!.counts.waiting).toBeGreaterThanOrEqual(1);
    } finally {
      const resumed = await setQueuePaused(admin.principal, 'diagnostics', false, NO_AUDIT_CONTEXT);
      expect(resumed.paused).toBe(false);
    }
    await runToEnd(task);
    expect(movesOf(await readTimeline(owner.principal, task.id))).toEqual([
      '∅→queued',
      'queued→running',
      'running→succeeded',
    ]);
    await stopWorker(worker);

    for (const action of ['queue.pause', 'queue.resume'] as const) {
      const audit = await listAuditEvents(admin.principal, { action, limit: 50 });
      expect(
        audit.data.some((e) => e.actorEmail === admin.email && e.targetId === 'diagnostics'),
      ).toBe(true);
      expect(audit.data[0]).toMatchObject({ targetType: 'queue', targetId: 'diagnostics' });
    }
  });

  it('is for admins only, and for known queues', async () => {
    await expect(
      setQueuePaused(owner.principal, 'diagnostics', true, NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      setQueuePaused(admin.principal, 'nope', true, NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(listQueues(owner.principal)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getQueue('diagnostics').isPaused()).toBe(false);
  });
});
