import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '@/lib/errors';
import type { ScheduleInput } from '@/lib/schedules/schedule-spec';
import { uuid7From } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { listTaskTypes } from '@/server/tasks/registry';
import { SCHEDULES_QUEUE } from '@/server/schedules/schedule-queue';
import {
  fireScheduledRun,
  listScheduleRuns,
  runScheduleNow,
} from '@/server/schedules/schedule-runs';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  setScheduleEnabled,
  updateSchedule,
} from '@/server/schedules/schedule-service';
import { syncAllSchedules } from '@/server/schedules/schedule-sync';
import { startScheduleWorker } from '@/worker/schedule-worker';
import { createTestUser, type TestUser } from '../support/users';

// Schedules: Postgres rows, BullMQ job schedulers that follow them, and the runs they make.

let admin: TestUser;
let user: TestUser;
let counter = 0;

function nightly(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  counter += 1;
  return {
    name: `Nightly simulation ${counter}`,
    taskType: 'diagnostics.simulate',
    payload: { steps: 2, stepMs: 1 },
    repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'Europe/Berlin' },
    ...overrides,
  };
}

async function schedulerOf(id: string) {
  return getQueue(SCHEDULES_QUEUE).getJobScheduler(id);
}

async function catchValidation(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

beforeAll(async () => {
  admin = await createTestUser('admin');
  user = await createTestUser('user');
});

afterAll(async () => {
  await getQueue(SCHEDULES_QUEUE).obliterate({ force: true });
  await closeClients();
});

describe('the built-in schedules', () => {
  it('come with the database: nightly retention and a weekly activity report', async () => {
    const schedules = await listSchedules(admin.principal);
    const builtIn = schedules.filter((schedule) => schedule.ownerId === null);
    expect(
      builtIn.map((s) => [s.name, s.taskType, s.description, s.missedRunPolicy, s.enabled]),
    ).toEqual([
      ['Nightly retention cleanup', 'maintenance.cleanup', 'At 03:00 (UTC)', 'run_once', true],
      ['Weekly activity report', 'report.generate', 'At 06:00, only on Monday (UTC)', 'skip', true],
    ]);
    const report = builtIn[1];
    expect(report?.payload).toEqual({ kind: 'activity', format: 'pdf', days: 7 });
    for (const at of report?.nextRuns ?? []) {
      expect(new Date(at).getUTCDay()).toBe(1);
      expect(new Date(at).toISOString().slice(11)).toBe('06:00:00.000Z');
    }
    expect(report?.nextRuns).toHaveLength(5);
  });
});

describe('schedule CRUD', () => {
  it('creates a schedule with a description, the next 5 runs and a job scheduler', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    expect(created.description).toBe('At 03:00 (Europe/Berlin)');
    expect(created.nextRuns).toHaveLength(5);
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
    for (const at of created.nextRuns) {
      expect(['01:00:00.000Z', '02:00:00.000Z']).toContain(at.slice(11));
    }
    expect(created.ownerId).toBe(admin.principal.userId);
    const scheduler = await schedulerOf(created.id);
    expect(scheduler?.pattern).toBe('0 3 * * *');
    expect(scheduler?.tz).toBe('Europe/Berlin');
    expect(scheduler?.next).toBe(Date.parse(created.nextRuns[0] ?? ''));
    expect((await listSchedules(admin.principal)).map((s) => s.id)).toContain(created.id);
    const audit = await getPrisma().auditEvent.findFirst({
      where: { action: 'schedule.create', targetId: created.id },
    });
    expect(audit?.actorId).toBe(admin.principal.userId);
  });

  it('sends an edit to BullMQ: the scheduler has the new pattern and version', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const edited = await updateSchedule(
      admin.principal,
      created.id,
      { repeat: { kind: 'cron', cron: '*/10 * * * * *', timezone: 'UTC' }, name: 'Every 10 s' },
      NO_AUDIT_CONTEXT,
    );
    expect(edited.name).toBe('Every 10 s');
    expect(edited.description).toBe('Every 10 seconds (UTC)');
    expect(edited.version).toBe(created.version + 1);
    const scheduler = await schedulerOf(created.id);
    expect(scheduler?.pattern).toBe('*/10 * * * * *');
    expect(scheduler?.template?.data).toEqual({ scheduleId: created.id, version: edited.version });

    const interval = await updateSchedule(
      admin.principal,
      created.id,
      { repeat: { kind: 'interval', everyMs: 90_000 } },
      NO_AUDIT_CONTEXT,
    );
    expect(interval.description).toBe('Every 1 minute 30 seconds');
    const every = await schedulerOf(created.id);
    expect(Number(every?.every)).toBe(90_000);
    expect(every?.pattern ?? null).toBeNull();
    const audits = await getPrisma().auditEvent.count({
      where: { action: 'schedule.update', targetId: created.id },
    });
    expect(audits).toBe(2);
  });

  it('pauses (the scheduler goes) and resumes (it comes back), audited as such', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const paused = await setScheduleEnabled(admin.principal, created.id, false, NO_AUDIT_CONTEXT);
    expect(paused.enabled).toBe(false);
    expect(paused.nextRuns).toEqual([]);
    expect(await schedulerOf(created.id)).toBeUndefined();
    await setScheduleEnabled(admin.principal, created.id, true, NO_AUDIT_CONTEXT);
    expect((await schedulerOf(created.id))?.pattern).toBe('0 3 * * *');
    const actions = await getPrisma().auditEvent.findMany({
      where: { targetId: created.id },
      orderBy: { createdAt: 'asc' },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      'schedule.create',
      'schedule.pause',
      'schedule.resume',
    ]);
  });

  it('deletes the schedule and its scheduler; its runs stay, unlinked', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const run = await runScheduleNow(admin.principal, created.id, NO_AUDIT_CONTEXT);
    await deleteSchedule(admin.principal, created.id, NO_AUDIT_CONTEXT);
    expect(await schedulerOf(created.id)).toBeUndefined();
    await expect(getSchedule(admin.principal, created.id)).rejects.toThrow('No such schedule.');
    const task = await getPrisma().task.findUnique({ where: { id: run.id } });
    expect(task?.scheduleId).toBeNull();
    expect(
      await getPrisma().auditEvent.count({
        where: { action: 'schedule.delete', targetId: created.id },
      }),
    ).toBe(1);
  });

  it('refuses an invalid cron pattern with a clear message on the field', async () => {
    const fourFields = await catchValidation(
      createSchedule(
        admin.principal,
        nightly({ repeat: { kind: 'cron', cron: '0 3 * *', timezone: 'UTC' } }),
        NO_AUDIT_CONTEXT,
      ),
    );
    expect(fourFields.fieldErrors).toEqual([
      {
        path: 'repeat.cron',
        message:
          'A cron pattern has 5 fields (minute hour day month weekday) or 6 with seconds first; this one has 4.',
      },
    ]);
    const outOfRange = await catchValidation(
      createSchedule(
        admin.principal,
        nightly({ repeat: { kind: 'cron', cron: '61 3 * * *', timezone: 'UTC' } }),
        NO_AUDIT_CONTEXT,
      ),
    );
    expect(outOfRange.fieldErrors[0]?.path).toBe('repeat.cron');
    expect(outOfRange.fieldErrors[0]?.message).toMatch(/Not a valid cron pattern: .*61/);
  });

  it('refuses an unknown time zone, a short interval, a bad payload, an internal type and a taken name', async () => {
    const zone = await catchValidation(
      createSchedule(
        admin.principal,
        nightly({ repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'Mars/Olympus' } }),
        NO_AUDIT_CONTEXT,
      ),
    );
    expect(zone.fieldErrors.map((e) => e.path)).toEqual(['repeat.timezone']);
    const short = await catchValidation(
      createSchedule(
        admin.principal,
        nightly({ repeat: { kind: 'interval', everyMs: 500 } }),
        NO_AUDIT_CONTEXT,
      ),
    );
    expect(short.fieldErrors).toEqual([
      { path: 'repeat.everyMs', message: 'The interval must be at least 1 second' },
    ]);
    const payload = await catchValidation(
      createSchedule(admin.principal, nightly({ payload: { steps: 0 } }), NO_AUDIT_CONTEXT),
    );
    expect(payload.fieldErrors.map((e) => e.path)).toEqual(['payload.steps']);
    const internal = await catchValidation(
      createSchedule(admin.principal, nightly({ taskType: 'email.send' }), NO_AUDIT_CONTEXT),
    );
    expect(internal.fieldErrors.map((e) => e.path)).toEqual(['taskType']);
    const unknown = await catchValidation(
      createSchedule(admin.principal, nightly({ taskType: 'report.explode' }), NO_AUDIT_CONTEXT),
    );
    expect(unknown.fieldErrors.map((e) => e.path)).toEqual(['taskType']);
    // Only the types a schedule can run are offered: internal ones would be refused next.
    const offered = /Known types: (.*)\.$/.exec(unknown.fieldErrors[0]!.message)?.[1]?.split(', ');
    expect(offered?.sort()).toEqual(
      listTaskTypes()
        .filter((type) => type.access !== 'internal')
        .map((type) => type.name)
        .sort(),
    );
    expect(offered).not.toContain('email.send');
    expect(offered).not.toContain('file.process');
    const first = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    await expect(
      createSchedule(admin.principal, nightly({ name: first.name }), NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('is for admins only', async () => {
    await expect(
      createSchedule(user.principal, nightly(), NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listSchedules(user.principal)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('runs', () => {
  it('run now records a run linked to the schedule, audited, listed in its history', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const first = await runScheduleNow(admin.principal, created.id, NO_AUDIT_CONTEXT);
    const second = await runScheduleNow(admin.principal, created.id, NO_AUDIT_CONTEXT);
    for (const run of [first, second]) {
      expect(run.scheduleId).toBe(created.id);
      expect(run.scheduleTrigger).toBe('run_now');
      expect(run.type).toBe('diagnostics.simulate');
      expect(run.ownerId).toBe(admin.principal.userId);
      expect(run.payload).toEqual({ steps: 2, stepMs: 1 });
    }
    const history = await listScheduleRuns(admin.principal, created.id, { limit: 10 });
    expect(history.data.map((task) => task.id)).toEqual([second.id, first.id]);
    const paged = await listScheduleRuns(admin.principal, created.id, { limit: 1 });
    expect(paged.data.map((task) => task.id)).toEqual([second.id]);
    const rest = await listScheduleRuns(admin.principal, created.id, {
      limit: 1,
      cursor: paged.nextCursor ?? undefined,
    });
    expect(rest.data.map((task) => task.id)).toEqual([first.id]);
    expect((await getSchedule(admin.principal, created.id)).lastRun?.taskId).toBe(second.id);
    expect(
      await getPrisma().auditEvent.count({
        where: { action: 'schedule.run_now', targetId: created.id },
      }),
    ).toBe(2);
  });

  it('a tick makes one run per due time, however often it is handled', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const dueAt = Date.now() - 1_000;
    const data = { scheduleId: created.id, version: created.version };
    const [a, b] = await Promise.all([
      fireScheduledRun(data, dueAt),
      fireScheduledRun(data, dueAt),
    ]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['created', 'existed']);
    const runs = await listScheduleRuns(admin.principal, created.id, { limit: 10 });
    expect(runs.data).toHaveLength(1);
    expect(runs.data[0]?.id).toBe(uuid7From(dueAt, created.id));
    expect(runs.data[0]?.scheduleTrigger).toBe('schedule');
  });

  it('follows the missed-run policy for a tick that comes late', async () => {
    const skip = await createSchedule(
      admin.principal,
      nightly({ missedRunPolicy: 'skip' }),
      NO_AUDIT_CONTEXT,
    );
    const runOnce = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const dueAt = Date.now() - 10 * 60_000;
    const skipped = await fireScheduledRun({ scheduleId: skip.id, version: 1 }, dueAt);
    expect(skipped.kind).toBe('skipped');
    const afterSkip = await getSchedule(admin.principal, skip.id);
    expect(afterSkip.skippedRuns).toBe(1);
    expect(afterSkip.lastSkippedAt).toBe(new Date(dueAt).toISOString());
    expect((await listScheduleRuns(admin.principal, skip.id, { limit: 5 })).data).toEqual([]);

    const caught = await fireScheduledRun({ scheduleId: runOnce.id, version: 1 }, dueAt);
    expect(caught.kind).toBe('created');
    const runs = await listScheduleRuns(admin.principal, runOnce.id, { limit: 5 });
    expect(runs.data.map((task) => task.scheduleTrigger)).toEqual(['catch_up']);
  });

  it('makes no run for a paused or deleted schedule, and records a payload gone bad', async () => {
    const created = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    await setScheduleEnabled(admin.principal, created.id, false, NO_AUDIT_CONTEXT);
    expect((await fireScheduledRun({ scheduleId: created.id, version: 2 }, Date.now())).kind).toBe(
      'skipped',
    );
    await setScheduleEnabled(admin.principal, created.id, true, NO_AUDIT_CONTEXT);
    // A payload the type no longer accepts (say the schema changed since it was saved).
    await getPrisma().schedule.update({
      where: { id: created.id },
      data: { payload: { steps: 'many' } },
    });
    const failed = await fireScheduledRun({ scheduleId: created.id, version: 3 }, Date.now());
    expect(failed.kind).toBe('failed');
    const view = await getSchedule(admin.principal, created.id);
    expect(view.lastError).toBe('The payload is not valid for diagnostics.simulate.');
    await deleteSchedule(admin.principal, created.id, NO_AUDIT_CONTEXT);
    expect((await fireScheduledRun({ scheduleId: created.id, version: 3 }, Date.now())).kind).toBe(
      'skipped',
    );
  });
});

describe('firing', () => {
  it("a worker turns the scheduler's ticks into runs, one per due time", async () => {
    const worker = await startScheduleWorker();
    try {
      const created = await createSchedule(
        admin.principal,
        nightly({ repeat: { kind: 'interval', everyMs: 1_000 } }),
        NO_AUDIT_CONTEXT,
      );
      await vi.waitFor(
        async () => {
          const runs = await listScheduleRuns(admin.principal, created.id, { limit: 10 });
          expect(runs.data.length).toBeGreaterThanOrEqual(3);
        },
        { timeout: 15_000, interval: 200 },
      );
      await setScheduleEnabled(admin.principal, created.id, false, NO_AUDIT_CONTEXT);
      const runs = await listScheduleRuns(admin.principal, created.id, { limit: 50 });
      expect(new Set(runs.data.map((task) => task.scheduleTrigger))).toEqual(new Set(['schedule']));
      // Each run's id carries its due time: on the one-second grid (a slow tick may skip a
      // slot, never double one).
      const dueTimes = runs.data
        .map((task) => parseInt(task.id.replaceAll('-', '').slice(0, 12), 16))
        .sort((a, b) => a - b);
      expect(new Set(dueTimes).size).toBe(dueTimes.length);
      for (let i = 1; i < dueTimes.length; i += 1) {
        const gap = (dueTimes[i] ?? 0) - (dueTimes[i - 1] ?? 0);
        expect(gap > 0 && gap % 1_000 === 0, `gap ${gap}`).toBe(true);
      }
    } finally {
      await worker.stop();
    }
  });
});

describe('sync', () => {
  it('is idempotent, also when several processes run it at once', async () => {
    await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    await syncAllSchedules();
    const reports = await Promise.all([syncAllSchedules(), syncAllSchedules(), syncAllSchedules()]);
    for (const report of reports)
      expect(report).toEqual({ upserted: [], removed: [], caughtUp: [] });
    const enabled = await getPrisma().schedule.count({ where: { enabled: true } });
    expect(await getQueue(SCHEDULES_QUEUE).getJobSchedulersCount()).toBe(enabled);
  });

  it('restores lost schedulers, removes strays and rewrites stale ones', async () => {
    const lost = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const stale = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const queue = getQueue(SCHEDULES_QUEUE);
    await queue.removeJobScheduler(lost.id);
    await queue.upsertJobScheduler('not-a-schedule', { every: 60_000 }, { name: 'x', data: {} });
    // As if another process had written an older version after this one's change.
    await queue.upsertJobScheduler(
      stale.id,
      { pattern: '0 4 * * *', tz: 'UTC' },
      { name: 'schedule.tick', data: { scheduleId: stale.id, version: 0 } },
    );
    const report = await syncAllSchedules();
    expect(report.removed).toEqual(['not-a-schedule']);
    expect(report.upserted.sort()).toEqual([lost.id, stale.id].sort());
    expect((await schedulerOf(lost.id))?.pattern).toBe('0 3 * * *');
    expect((await schedulerOf(stale.id))?.template?.data).toEqual({
      scheduleId: stale.id,
      version: 1,
    });
  });

  it('catches up a cron run missed while the scheduler was gone, once', async () => {
    const runOnce = await createSchedule(admin.principal, nightly(), NO_AUDIT_CONTEXT);
    const skip = await createSchedule(
      admin.principal,
      nightly({ missedRunPolicy: 'skip' }),
      NO_AUDIT_CONTEXT,
    );
    // Both have been enabled for two days and last ran three days ago; Redis then lost them.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await getPrisma().schedule.updateMany({
      where: { id: { in: [runOnce.id, skip.id] } },
      data: { enabledAt: twoDaysAgo, lastRunAt: new Date(Date.now() - 3 * 86_400_000) },
    });
    const queue = getQueue(SCHEDULES_QUEUE);
    await queue.removeJobScheduler(runOnce.id);
    await queue.removeJobScheduler(skip.id);

    const report = await syncAllSchedules();
    expect(report.caughtUp.sort()).toEqual([runOnce.id, skip.id].sort());
    const runs = await listScheduleRuns(admin.principal, runOnce.id, { limit: 5 });
    expect(runs.data.map((task) => task.scheduleTrigger)).toEqual(['catch_up']);
    expect((await listScheduleRuns(admin.principal, skip.id, { limit: 5 })).data).toEqual([]);
    expect((await getSchedule(admin.principal, skip.id)).skippedRuns).toBe(1);

    // Running the sync again (or on another process) catches nothing up twice.
    await queue.removeJobScheduler(runOnce.id);
    await getPrisma().schedule.update({
      where: { id: runOnce.id },
      data: { lastRunAt: new Date(Date.now() - 3 * 86_400_000) },
    });
    await syncAllSchedules();
    expect((await listScheduleRuns(admin.principal, runOnce.id, { limit: 5 })).data).toHaveLength(
      1,
    );
  });
});
