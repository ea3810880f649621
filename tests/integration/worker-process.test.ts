import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { checkHealth } from '@/server/health/health-service';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, listTaskTransitions } from '@/server/tasks/task-service';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestUser, type TestUser } from '../support/users';

// The worker as the separate process it is in production: started, given work, stopped.

const bus = new BusRecorder();
let owner: TestUser;

beforeAll(async () => {
  owner = await createTestUser();
  await bus.start();
});

afterAll(async () => {
  await killAllSpawned();
  await bus.stop();
  await closeClients();
});

describe('worker process', () => {
  it('announces itself, lets its active job finish on SIGTERM, then leaves cleanly', async () => {
    const worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
    try {
      await worker.waitForOutput(/worker started/);
      const health = await checkHealth();
      expect(health.workers.count).toBeGreaterThanOrEqual(1);
      expect(health.workers.queues).toContain('diagnostics');

      const task = await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 4, stepMs: 250 },
      });
      await bus.waitForUpdate(task.id, (u) => u.status === 'running');
      worker.child.kill('SIGTERM');

      const exit = await worker.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(worker.output()).toMatch(/worker stopped/);
      expect(await getTask(owner.principal, task.id)).toMatchObject({
        status: 'succeeded',
        progress: 100,
      });
      expect((await checkHealth()).workers.count).toBe(0);
    } finally {
      await worker.stop('SIGKILL');
    }
  }, 60_000);

  it('hands jobs that outlast the shutdown timeout back to the queue, where another worker resumes them', async () => {
    const first = spawnEntry('worker/main.ts', { SHUTDOWN_TIMEOUT_MS: '300', LOG_LEVEL: 'info' }, [
      '--queues',
      'diagnostics',
    ]);
    let second: ReturnType<typeof spawnEntry> | undefined;
    try {
      await first.waitForOutput(/worker started/);
      const task = await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        // Far longer than the 300 ms shutdown timeout: only a hand-back explains what follows.
        payload: { steps: 10, stepMs: 1_000 },
      });
      await bus.waitForUpdate(task.id, (u) => u.status === 'running');
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });

      // Handed back, not failed: no error, and the attempt it was on is not counted.
      expect(await getTask(owner.principal, task.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        error: null,
        progressMessage: 'Interrupted by a worker shutdown; it will resume.',
      });
      second = spawnEntry('worker/main.ts', {}, ['--queues', 'diagnostics']);
      const done = await bus.waitForUpdate(task.id, isTerminal, 60_000);
      expect(done).toMatchObject({ status: 'succeeded', attempt: 1 });
      const timeline = await listTaskTransitions(owner.principal, task.id);
      expect(timeline.map((t) => [t.from, t.to])).toEqual([
        [null, 'queued'],
        ['queued', 'running'],
        ['running', 'queued'],
        ['queued', 'running'],
        ['running', 'succeeded'],
      ]);
      expect(timeline[2]?.reason).toBe('Worker shutdown: handed back to the queue.');
    } finally {
      await first.stop('SIGKILL');
      await second?.stop('SIGTERM');
    }
  }, 90_000);

  it('refuses to start for an unknown queue', async () => {
    const worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'nope']);
    expect((await worker.exited).code).toBe(1);
    expect(worker.output()).toMatch(/Unknown queue\(s\): nope/);
  });
});

describe('health', () => {
  it('reports Postgres and Redis as up', async () => {
    const report = await checkHealth();
    expect(report.postgres.ok).toBe(true);
    expect(report.redis.ok).toBe(true);
    expect(await getPrisma().task.count()).toBeGreaterThanOrEqual(0);
  });
});
