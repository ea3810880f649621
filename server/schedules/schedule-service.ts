import { ConflictError, NotFoundError, ValidationError, toFieldErrors } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import {
  scheduleInputSchema,
  type ParsedScheduleInput,
  type ScheduleInput,
} from '@/lib/schedules/schedule-spec';
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import { uuid7 } from '@/lib/uuid7';
import type { Prisma, Schedule } from '@/lib/generated/prisma/client';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { parsePayload, resolveType } from '@/server/tasks/task-submission';
import { DEFAULT_ORIGIN } from '@/server/tasks/task-type';
import { toScheduleViews } from './schedule-mapper';
import { findSchedule } from './schedule-runs';
import { syncSchedule } from './schedule-sync';

/** Schedules run any type an admin may submit; internal types are made by Taskdeck itself. */
function checkTaskType(input: ParsedScheduleInput): void {
  const type = resolveType(input.taskType, 'taskType');
  if (type.access === 'internal') {
    throw new ValidationError(`Tasks of type ${type.name} cannot be scheduled.`, [
      { path: 'taskType', message: DEFAULT_ORIGIN.submitHint },
    ]);
  }
  // Checked now so a mistake shows in the form; parsed again at every run (dates, defaults).
  parsePayload(type, input.payload, 'admin');
}

function parseInput(input: unknown): ParsedScheduleInput {
  const parsed = scheduleInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('The schedule is not valid.', toFieldErrors(parsed.error.issues));
  }
  checkTaskType(parsed.data);
  return parsed.data;
}

function toColumns(input: ParsedScheduleInput) {
  return {
    name: input.name,
    taskType: input.taskType,
    payload: input.payload as Prisma.InputJsonObject,
    priority: input.priority,
    cron: input.repeat.kind === 'cron' ? input.repeat.cron : null,
    everyMs: input.repeat.kind === 'interval' ? input.repeat.everyMs : null,
    timezone: input.repeat.kind === 'cron' ? input.repeat.timezone : 'UTC',
    enabled: input.enabled,
    missedRunPolicy: input.missedRunPolicy,
  };
}

function toInput(schedule: Schedule): ScheduleInput {
  return {
    name: schedule.name,
    taskType: schedule.taskType,
    payload: (schedule.payload ?? {}) as Record<string, unknown>,
    priority: schedule.priority,
    repeat:
      schedule.cron !== null
        ? { kind: 'cron', cron: schedule.cron, timezone: schedule.timezone }
        : { kind: 'interval', everyMs: schedule.everyMs ?? 60_000 },
    enabled: schedule.enabled,
    missedRunPolicy: schedule.missedRunPolicy as ParsedScheduleInput['missedRunPolicy'],
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'P2002';

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A schedule named "${name}" already exists.`);
}

/**
 * The row is the truth; a sync that fails here (Redis down) is logged and made by the next
 * periodic reconcile, so the admin's change is never lost.
 */
async function syncAfterChange(id: string): Promise<void> {
  try {
    await syncSchedule(id);
  } catch (error) {
    getLogger().error({ err: error, scheduleId: id }, 'schedule saved but not yet synced');
  }
}

export async function listSchedules(principal: Principal): Promise<ScheduleView[]> {
  requireAdmin(principal);
  const schedules = await getPrisma().schedule.findMany({ orderBy: { name: 'asc' } });
  return toScheduleViews(schedules);
}

async function toScheduleView(schedule: Schedule): Promise<ScheduleView> {
  const [view] = await toScheduleViews([schedule]);
  if (!view) throw new NotFoundError('No such schedule.');
  return view;
}

export async function getSchedule(principal: Principal, id: string): Promise<ScheduleView> {
  requireAdmin(principal);
  return toScheduleView(await findSchedule(id));
}

export async function createSchedule(
  principal: Principal,
  input: unknown,
  context: AuditContext,
): Promise<ScheduleView> {
  const admin = requireAdmin(principal);
  const parsed = parseInput(input);
  const id = uuid7();
  let created: Schedule;
  try {
    created = await getPrisma().schedule.create({
      data: { id, ...toColumns(parsed), ownerId: admin.userId },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(parsed.name);
    throw error;
  }
  await syncAfterChange(id);
  await recordAudit(admin, 'schedule.create', { type: 'schedule', id }, context, {
    name: parsed.name,
    taskType: parsed.taskType,
    repeat: parsed.repeat,
  });
  // Mapped after the sync: an interval schedule's next runs come from its scheduler.
  return toScheduleView(created);
}

/** Applies the given fields over the schedule's current ones; the result is checked whole. */
export async function updateSchedule(
  principal: Principal,
  id: string,
  changes: unknown,
  context: AuditContext,
): Promise<ScheduleView> {
  const admin = requireAdmin(principal);
  const current = await findSchedule(id);
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw new ValidationError('Send the fields to change as an object.');
  }
  const parsed = parseInput({ ...toInput(current), ...changes });
  const resumed = parsed.enabled && !current.enabled;
  let updated: Schedule;
  try {
    updated = await getPrisma().schedule.update({
      where: { id },
      data: {
        ...toColumns(parsed),
        version: { increment: 1 },
        ...(resumed ? { enabledAt: new Date() } : {}),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(parsed.name);
    throw error;
  }
  await syncAfterChange(id);
  const action =
    parsed.enabled === current.enabled
      ? 'schedule.update'
      : parsed.enabled
        ? 'schedule.resume'
        : 'schedule.pause';
  await recordAudit(admin, action, { type: 'schedule', id }, context, {
    name: parsed.name,
    changed: Object.keys(changes),
  });
  return toScheduleView(updated);
}

/** Pauses (no runs until resumed; missed ones are not caught up) or resumes a schedule. */
export async function setScheduleEnabled(
  principal: Principal,
  id: string,
  enabled: boolean,
  context: AuditContext,
): Promise<ScheduleView> {
  return updateSchedule(principal, id, { enabled }, context);
}

/** Deletes the schedule; its runs stay, no longer linked to it. */
export async function deleteSchedule(
  principal: Principal,
  id: string,
  context: AuditContext,
): Promise<void> {
  const admin = requireAdmin(principal);
  const schedule = await findSchedule(id);
  await getPrisma().schedule.delete({ where: { id } });
  await syncAfterChange(id);
  await recordAudit(admin, 'schedule.delete', { type: 'schedule', id }, context, {
    name: schedule.name,
    taskType: schedule.taskType,
  });
}
