import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminOverview, FinishedCounts } from '@/lib/admin/admin-overview';
import { resetEnvCache } from '@/lib/env';
import { ForbiddenError } from '@/lib/errors';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { forgetCachedDayStats, getAdminOverview } from '@/server/admin/overview-service';
import {
  DAY_WINDOW,
  HOUR_WINDOW,
  readDayStats,
  readThroughput,
} from '@/server/admin/overview-stats';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { createTask } from '@/server/tasks/task-submission';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { startTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { waitFor } from '../support/wait-for';
import { createTestUser, type TestUser } from '../support/users';

// The admin overview: exact figures from known rows, and the worker heartbeat carrying the
// tasks it runs. Its live push is in admin-overview-live.test.ts.

const INTERVAL_MS = 300;
const HEARTBEAT_MS = 1_000;

const bus = new BusRecorder();
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  vi.stubEnv('ADMIN_OVERVIEW_INTERVAL_MS', String(INTERVAL_MS));
  resetEnvCache();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
  await bus.start();
});

afterAll(async () => {
  await bus.stop();
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** A finished task row as the runner leaves it; started `runMs` before it finished. */
function finishedRow(type: string, status: TaskStatus, finishedAt: string | null, runMs = 1_000) {
  const finished = finishedAt ? new Date(finishedAt) : null;
  const started = finished ? new Date(finished.getTime() - runMs) : new Date('2035-06-15T11:00Z');
  return {
    id: randomUUID(),
    type,
    queue: 'diagnostics',
    status,
    payload: {},
    maxAttempts: 1,
    attempts: 1,
    ownerId: owner.principal.userId,
    createdAt: new Date(started.getTime() - 1_000),
    startedAt: started,
    finishedAt: finished,
  };
}

function zeros(length: number, filled: Record<number, FinishedCounts>): FinishedCounts[] {
  return Array.from(
    { length },
    (_, index) => filled[index] ?? { succeeded: 0, failed: 0, cancelled: 0 },
  );
}

describe('overview figures', () => {
  // Far from the real clock, so tasks other test files finish never fall in these windows.
  const now = new Date('2035-06-15T12:34:56.000Z');

  beforeAll(async () => {
    await getPrisma().task.createMany({
      data: [
        // The hour window is 11:35:00 to 12:35:00; the day's 2035-06-14 12:45 to 06-15 12:45.
        finishedRow('h2.alpha', 'succeeded', '2035-06-15T11:35:00.000Z', 1_000),
        finishedRow('h2.alpha', 'succeeded', '2035-06-15T11:45:10.000Z', 2_000),
        finishedRow('h2.alpha', 'succeeded', '2035-06-15T11:45:50.000Z', 3_000),
        finishedRow('h2.alpha', 'failed', '2035-06-15T11:45:30.000Z'),
        finishedRow('h2.beta', 'succeeded', '2035-06-15T12:34:56.000Z', 4_000),
        finishedRow('h2.beta', 'cancelled', '2035-06-15T12:34:10.000Z'),
        // Just before the hour: in the day only.
        finishedRow('h2.beta', 'succeeded', '2035-06-15T11:34:59.999Z', 5_000),
        // The day's first instant, and just before it.
        finishedRow('h2.beta', 'succeeded', '2035-06-14T12:45:00.000Z', 7_000),
        finishedRow('h2.beta', 'succeeded', '2035-06-14T12:44:59.999Z', 100_000),
        finishedRow('h2.alpha', 'failed', '2035-06-15T02:00:00.000Z'),
        // Not ended (retried by hand, or running): never counted, whatever finished_at says.
        finishedRow('h2.alpha', 'queued', '2035-06-15T11:50:00.000Z'),
        finishedRow('h2.alpha', 'running', null),
      ],
    });
  });

  it('counts the last hour per minute, empty minutes as zeros, with the failure rate', async () => {
    const hour = await readThroughput(now, HOUR_WINDOW);
    expect(hour.start).toBe('2035-06-15T11:35:00.000Z');
    expect(hour.bucketMs).toBe(60_000);
    expect(hour.buckets).toEqual(
      zeros(60, {
        0: { succeeded: 1, failed: 0, cancelled: 0 },
        10: { succeeded: 2, failed: 1, cancelled: 0 },
        59: { succeeded: 1, failed: 0, cancelled: 1 },
      }),
    );
    expect(hour.totals).toEqual({ succeeded: 4, failed: 1, cancelled: 1 });
    expect(hour.failureRate).toBe(0.2);
  });

  it('counts the last day per quarter hour, and run times per type of its successes', async () => {
    const day = await readDayStats(now);
    expect(day.throughput.start).toBe('2035-06-14T12:45:00.000Z');
    expect(day.throughput.buckets).toHaveLength(DAY_WINDOW.buckets);
    expect(day.throughput.buckets).toEqual(
      zeros(96, {
        0: { succeeded: 1, failed: 0, cancelled: 0 },
        53: { succeeded: 0, failed: 1, cancelled: 0 },
        91: { succeeded: 2, failed: 0, cancelled: 0 },
        92: { succeeded: 2, failed: 1, cancelled: 0 },
        95: { succeeded: 1, failed: 0, cancelled: 1 },
      }),
    );
    expect(day.throughput.totals).toEqual({ succeeded: 6, failed: 2, cancelled: 1 });
    expect(day.throughput.failureRate).toBe(0.25);

    // Interpolated: alpha ran 1, 2, 3 s; beta 4, 5, 7 s (the 100 s run is a day too old).
    expect(day.durations.map((stat) => [stat.type, stat.count])).toEqual([
      ['h2.alpha', 3],
      ['h2.beta', 3],
    ]);
    const [alpha, beta] = day.durations;
    expect(alpha?.p50Ms).toBeCloseTo(2_000, 6);
    expect(alpha?.p95Ms).toBeCloseTo(2_900, 6);
    expect(beta?.p50Ms).toBeCloseTo(5_000, 6);
    expect(beta?.p95Ms).toBeCloseTo(6_800, 6);
  });

  it('is for admins only; the last hour is fresh, older day buckets are reused a while', async () => {
    await expect(getAdminOverview(owner.principal)).rejects.toBeInstanceOf(ForbiddenError);
    forgetCachedDayStats();
    const before = await getAdminOverview(admin.principal);
    expect(before.queues.map((queue) => queue.name)).toEqual(
      listQueueConfigs().map((queue) => queue.name),
    );
    expect(before.throughput.hour.buckets).toHaveLength(60);
    expect(before.throughput.day.buckets).toHaveLength(96);
    expect(before.refreshMs).toBe(INTERVAL_MS);

    // One failure now, one three hours ago: only the first is in the hour.
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await getPrisma().task.createMany({
      data: [
        finishedRow('h2.gamma', 'failed', new Date().toISOString()),
        finishedRow('h2.gamma', 'failed', threeHoursAgo),
      ],
    });
    const failedIn = (overview: AdminOverview) => ({
      hour: overview.throughput.hour.totals.failed,
      day: overview.throughput.day.totals.failed,
    });
    const counted = failedIn(before);
    // The day's recent buckets are recounted from the fresh hour, its older ones are cached.
    expect(failedIn(await getAdminOverview(admin.principal))).toEqual({
      hour: counted.hour + 1,
      day: counted.day + 1,
    });
    forgetCachedDayStats();
    const fresh = await getAdminOverview(admin.principal);
    expect(failedIn(fresh)).toEqual({ hour: counted.hour + 1, day: counted.day + 2 });
    expect(fresh.throughput.day.failureRate).toBe(
      fresh.throughput.day.totals.failed /
        (fresh.throughput.day.totals.failed + fresh.throughput.day.totals.succeeded),
    );
  });
});

describe('worker heartbeat', () => {
  it('carries the tasks the worker is running, and drops them when they end', async () => {
    const worker = await startTaskWorker({ queues: ['diagnostics'] });
    try {
      const task = await createTask(owner.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 15, stepMs: 100 },
      });
      await bus.waitForUpdate(task.id, (update) => update.status === 'running');
      const job = await waitFor(async () => {
        const self = (await listLiveWorkers(HEARTBEAT_MS)).find((w) => w.id === worker.id);
        return self?.currentJobs.find((current) => current.taskId === task.id);
      }, 'the job in the heartbeat');
      const row = await getPrisma().task.findUniqueOrThrow({ where: { id: task.id } });
      expect(job).toEqual({
        taskId: task.id,
        type: 'diagnostics.simulate',
        queue: 'diagnostics',
        startedAt: row.startedAt?.toISOString(),
      });
      // The overview shows the same.
      const overview = await getAdminOverview(admin.principal);
      const shown = overview.workers.find((w) => w.id === worker.id);
      expect(shown).toMatchObject({ queues: ['diagnostics'], concurrency: { diagnostics: 16 } });
      expect(shown?.currentJobs.map((current) => current.taskId)).toContain(task.id);

      await bus.waitForUpdate(task.id, isTerminal);
      await waitFor(async () => {
        const self = (await listLiveWorkers(HEARTBEAT_MS)).find((w) => w.id === worker.id);
        return self && self.currentJobs.length === 0 ? self : undefined;
      }, 'an idle heartbeat');
    } finally {
      await worker.stop(5_000);
    }
    expect((await listLiveWorkers(HEARTBEAT_MS)).some((w) => w.id === worker.id)).toBe(false);
  });
});
