import { describeRepeat, listNextRuns } from '@/lib/schedules/cron';
import type { MissedRunPolicy } from '@/lib/schedules/schedule-spec';
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import type { ScheduleTrigger, TaskStatus } from '@/lib/tasks/task-view';
import type { Schedule } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { repeatOf, SCHEDULES_QUEUE } from './schedule-queue';

const iso = (date: Date | null) => date?.toISOString() ?? null;

interface LastRun {
  schedule_id: string;
  id: string;
  status: TaskStatus;
  schedule_trigger: string | null;
}

/** The latest run of each schedule: one index probe per schedule (tasks_schedule_created_idx). */
async function findLastRuns(ids: string[]): Promise<Map<string, LastRun>> {
  if (ids.length === 0) return new Map();
  const rows = await getPrisma().$queryRaw<LastRun[]>`
    SELECT s.id AS schedule_id, t.id, t.status, t.schedule_trigger
    FROM unnest(${ids}::uuid[]) AS s(id)
    CROSS JOIN LATERAL (
      SELECT id, status, schedule_trigger FROM tasks
      WHERE schedule_id = s.id
      ORDER BY created_at DESC, id DESC
      LIMIT 1
    ) t`;
  return new Map(rows.map((row) => [row.schedule_id, row]));
}

/** When BullMQ plans each interval schedule's next run, so the times shown are its times. */
async function findPlannedRuns(schedules: Schedule[]): Promise<Map<string, number>> {
  const planned = new Map<string, number>();
  const queue = getQueue(SCHEDULES_QUEUE);
  await Promise.all(
    schedules
      .filter((schedule) => schedule.enabled && schedule.everyMs !== null)
      .map(async (schedule) => {
        const scheduler = await queue.getJobScheduler(schedule.id).catch(() => undefined);
        if (scheduler?.next) planned.set(schedule.id, Number(scheduler.next));
      }),
  );
  return planned;
}

export async function toScheduleViews(schedules: Schedule[]): Promise<ScheduleView[]> {
  const [lastRuns, planned] = await Promise.all([
    findLastRuns(schedules.map((schedule) => schedule.id)),
    findPlannedRuns(schedules),
  ]);
  const now = new Date();
  return schedules.map((schedule) => {
    const repeat = repeatOf(schedule);
    const last = lastRuns.get(schedule.id);
    return {
      id: schedule.id,
      name: schedule.name,
      taskType: schedule.taskType,
      payload: (schedule.payload ?? {}) as Record<string, unknown>,
      priority: schedule.priority,
      repeat,
      description: describeRepeat(repeat),
      enabled: schedule.enabled,
      missedRunPolicy: schedule.missedRunPolicy as MissedRunPolicy,
      ownerId: schedule.ownerId,
      version: schedule.version,
      nextRuns: schedule.enabled
        ? listNextRuns(repeat, now, 5, planned.get(schedule.id)).map((date) => date.toISOString())
        : [],
      lastRunAt: iso(schedule.lastRunAt),
      skippedRuns: schedule.skippedRuns,
      lastSkippedAt: iso(schedule.lastSkippedAt),
      lastError: schedule.lastError,
      lastErrorAt: iso(schedule.lastErrorAt),
      createdAt: schedule.createdAt.toISOString(),
      updatedAt: schedule.updatedAt.toISOString(),
      lastRun: last
        ? {
            taskId: last.id,
            status: last.status,
            trigger: last.schedule_trigger as ScheduleTrigger | null,
          }
        : null,
    };
  });
}
