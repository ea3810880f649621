import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '@/lib/errors';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { getTask } from '@/server/tasks/task-service';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { movesOf, readTimeline, TERMINAL, waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// A cancel that arrives as the task finishes (or as it starts), from this process to a worker in
// another one: whichever wins, the task ends in exactly one terminal state, and the loser is told.

const TASKS = 24;
const STEP_MS = 100;

const bus = new BusRecorder();
let owner: TestUser;
let worker: SpawnedProcess;

beforeAll(async () => {
  owner = await createTestUser();
  await bus.start();
  worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
  await worker.waitForOutput(/worker started/);
});

afterAll(async () => {
  await worker.stop('SIGTERM');
  await killAllSpawned();
  await bus.stop();
  await closeClients();
});

describe('a cancel racing the task', () => {
  it('at its completion: each ends once, succeeded (cancel refused) or cancelled (no result)', async () => {
    const runs = await Promise.all(
      Array.from({ length: TASKS }, async (_, index) => {
        const task = await createTask(owner.principal, {
          type: 'diagnostics.simulate',
          payload: { steps: 2, stepMs: STEP_MS },
        });
        // Halfway (step 1 of 2): the end is ~STEP_MS away. The cancels are spread from well
        // before it to well after it, so both sides of the race are taken.
        await bus.waitForUpdate(task.id, (u) => u.status === 'running' && u.progress >= 50);
        await sleep(Math.round((index / (TASKS - 1)) * 2 * STEP_MS));
        const answer = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT).then(
          (view) => view,
          (error: unknown) => error,
        );
        await bus.waitForUpdate(task.id, isTerminal);
        // The runner is done with the job once BullMQ has it finished.
        await waitForJobState('diagnostics', task.id, ['completed', 'failed']);
        return { task, answer };
      }),
    );

    const outcomes = { succeeded: 0, cancelled: 0 };
    for (const { task, answer } of runs) {
      const stored = await getTask(owner.principal, task.id);
      const timeline = await readTimeline(owner.principal, task.id);
      const ends = timeline.filter((t) => TERMINAL.includes(t.to));
      expect(ends, task.id).toHaveLength(1);
      expect(ends[0]).toBe(timeline.at(-1));
      expect(stored.revision).toBe(timeline.length);
      // Never a retry: one attempt, started once.
      expect(timeline.filter((t) => t.to === 'running')).toHaveLength(1);
      expect(timeline.some((t) => t.to === 'retrying')).toBe(false);
      expect(stored.attempts).toBe(1);

      if (answer instanceof ConflictError) {
        expect(stored).toMatchObject({ status: 'succeeded', result: { steps: 2 } });
        outcomes.succeeded += 1;
      } else {
        expect(answer).toMatchObject({ status: 'cancelling' });
        expect(stored).toMatchObject({ status: 'cancelled', result: null, error: null });
        expect(timeline.map((t) => t.to).slice(-2)).toEqual(['cancelling', 'cancelled']);
        outcomes.cancelled += 1;
      }
      // What clients were last told agrees with Postgres.
      const last = bus.updatesOf(task.id).filter(isTerminal);
      expect(last.map((u) => u.status)).toEqual([stored.status]);
    }
    expect(outcomes.succeeded + outcomes.cancelled).toBe(TASKS);
    expect(outcomes.succeeded).toBeGreaterThan(0);
    expect(outcomes.cancelled).toBeGreaterThan(0);
  }, 60_000);

  it('at its start: each ends cancelled, before its attempt or during it', async () => {
    const runs = await Promise.all(
      Array.from({ length: TASKS }, async (_, index) => {
        const task = await createTask(owner.principal, {
          type: 'diagnostics.simulate',
          // Far too long to finish: whatever the cancel meets, the task cannot succeed first.
          payload: { steps: 2, stepMs: 5_000 },
        });
        // 0 to 21 ms after the submit: around the moment the worker takes the job.
        await sleep((index % 8) * 3);
        const answer = await cancelTask(owner.principal, task.id, NO_AUDIT_CONTEXT);
        await bus.waitForUpdate(task.id, isTerminal);
        // Removed, skipped by a worker that had taken it already, or stopped: never left waiting.
        await waitForJobState('diagnostics', task.id, ['unknown', 'completed', 'failed']);
        return { task, answer };
      }),
    );
    for (const { task, answer } of runs) {
      const stored = await getTask(owner.principal, task.id);
      const timeline = await readTimeline(owner.principal, task.id);
      expect(stored).toMatchObject({ status: 'cancelled', result: null });
      if (answer.status === 'cancelled') {
        expect(movesOf(timeline)).toEqual(['∅→queued', 'queued→cancelled']);
        expect(stored.attempts).toBe(0);
      } else {
        expect(answer.status).toBe('cancelling');
        expect(movesOf(timeline)).toEqual([
          '∅→queued',
          'queued→running',
          'running→cancelling',
          'cancelling→cancelled',
        ]);
        expect(stored.attempts).toBe(1);
      }
    }
  });
});
