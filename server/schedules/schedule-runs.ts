import { isAppError, NotFoundError, ValidationError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import { MISSED_AFTER_MS } from '@/lib/schedules/schedule-spec';
import type { ScheduleTrigger, TaskPage, TaskView } from '@/lib/tasks/task-view';
import { uuid7, uuid7From } from '@/lib/uuid7';
import type { Schedule } from '@/lib/generated/prisma/client';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { decodeKeysetCursor, rowsAfter, toKeysetPage } from '@/server/db/keyset-cursor';
import { getPrisma } from '@/server/infra/clients';
import { toTaskView } from '@/server/tasks/task-mapper';
import { taskIdSchema } from '@/lib/tasks/task-inputs';
import { createScheduledTask } from '@/server/tasks/task-submission';
import type { ScheduleTickData } from './schedule-queue';

type RunOutcome =
  | { kind: 'created'; task: TaskView }
  | { kind: 'existed'; task: TaskView }
  | { kind: 'failed'; reason: string };

export type TickOutcome = RunOutcome | { kind: 'skipped'; reason: string };

/**
 * Makes the run of a schedule due at `dueAt`. Its task id comes from the schedule and the due
 * time, so a tick handled twice, or a tick and a catch-up for the same time, make one task.
 */
async function makeRun(
  schedule: Schedule,
  dueAt: number,
  trigger: ScheduleTrigger,
  id: string = uuid7From(dueAt, schedule.id),
): Promise<RunOutcome> {
  try {
    const { task, created } = await createScheduledTask({
      id,
      typeName: schedule.taskType,
      ownerId: schedule.ownerId,
      payload: schedule.payload,
      priority: schedule.priority,
      schedule: { id: schedule.id, trigger },
    });
    await getPrisma().schedule.updateMany({
      where: { id: schedule.id },
      data: { lastRunAt: new Date(), lastError: null, lastErrorAt: null },
    });
    return created ? { kind: 'created', task } : { kind: 'existed', task };
  } catch (error) {
    // A payload the type no longer accepts, or a type that is gone: the admin must fix the
    // schedule; retrying would fail the same way. Anything else is retried by the tick job.
    if (!isAppError(error) || error.code !== 'validation_failed') throw error;
    const reason = error.message.slice(0, 500);
    await getPrisma().schedule.updateMany({
      where: { id: schedule.id },
      data: { lastError: reason, lastErrorAt: new Date() },
    });
    getLogger().warn({ scheduleId: schedule.id, reason }, 'schedule could not make its run');
    return { kind: 'failed', reason };
  }
}

async function recordSkippedRun(scheduleId: string, dueAt: number): Promise<void> {
  await getPrisma().schedule.updateMany({
    where: { id: scheduleId },
    data: { skippedRuns: { increment: 1 }, lastSkippedAt: new Date(dueAt) },
  });
}

/**
 * Handles one tick of BullMQ's job scheduler: the schedule's time `dueAt` has come. A tick that
 * comes more than MISSED_AFTER_MS late (the workers were down) follows the missed-run policy.
 */
export async function fireScheduledRun(
  data: ScheduleTickData,
  dueAt: number,
  now: number = Date.now(),
): Promise<TickOutcome> {
  const schedule = await getPrisma().schedule.findUnique({ where: { id: data.scheduleId } });
  // Deleted or paused since the tick was planned; the next sync removes its scheduler.
  if (!schedule) return { kind: 'skipped', reason: 'the schedule was deleted' };
  if (!schedule.enabled) return { kind: 'skipped', reason: 'the schedule is paused' };
  const late = now - dueAt > MISSED_AFTER_MS;
  if (late && schedule.missedRunPolicy === 'skip') {
    await recordSkippedRun(schedule.id, dueAt);
    return { kind: 'skipped', reason: 'missed while the system was down' };
  }
  return makeRun(schedule, dueAt, late ? 'catch_up' : 'schedule');
}

/**
 * A run missed while the schedule's job scheduler was gone (Redis lost its data): made now when
 * the policy is run_once, counted as skipped otherwise.
 */
export async function catchUpMissedRun(schedule: Schedule, dueAt: number): Promise<TickOutcome> {
  if (schedule.missedRunPolicy === 'skip') {
    await recordSkippedRun(schedule.id, dueAt);
    return { kind: 'skipped', reason: 'missed while the system was down' };
  }
  return makeRun(schedule, dueAt, 'catch_up');
}

/** The schedule's row; a malformed or unknown id is a NotFoundError. */
export async function findSchedule(id: string): Promise<Schedule> {
  const schedule = taskIdSchema.safeParse(id).success
    ? await getPrisma().schedule.findUnique({ where: { id } })
    : null;
  if (!schedule) throw new NotFoundError('No such schedule.');
  return schedule;
}

/** Runs the schedule's task now, as a run of the schedule; paused schedules can run too. */
export async function runScheduleNow(
  principal: Principal,
  id: string,
  context: AuditContext,
): Promise<TaskView> {
  const admin = requireAdmin(principal);
  const schedule = await findSchedule(id);
  const now = Date.now();
  const outcome = await makeRun(schedule, now, 'run_now', uuid7(now));
  if (outcome.kind === 'failed') throw new ValidationError(outcome.reason, []);
  await recordAudit(admin, 'schedule.run_now', { type: 'schedule', id }, context, {
    name: schedule.name,
    taskId: outcome.task.id,
  });
  return outcome.task;
}

export type ScheduleRunsPage = TaskPage;

/** The schedule's runs, newest first (tasks_schedule_created_idx). */
export async function listScheduleRuns(
  principal: Principal,
  id: string,
  page: { cursor?: string; limit: number },
): Promise<ScheduleRunsPage> {
  requireAdmin(principal);
  const schedule = await findSchedule(id);
  const isUuid = (value: string) => taskIdSchema.safeParse(value).success;
  const cursor = page.cursor ? decodeKeysetCursor(page.cursor, isUuid) : null;
  const rows = await getPrisma().task.findMany({
    where: { scheduleId: schedule.id, ...(cursor ? rowsAfter(cursor) : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
  });
  return toKeysetPage(rows, page.limit, toTaskView);
}
