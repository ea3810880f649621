import type { JobsOptions } from 'bullmq';
import type { Schedule } from '@/lib/generated/prisma/client';
import type { RepeatSpec } from '@/lib/schedules/schedule-spec';

// Schedules fire through a queue of their own: BullMQ's job scheduler adds one light "tick" job
// per due time, and a worker turns the tick into a task (schedule-runs.ts). The task then runs
// on its type's queue like any other.

export const SCHEDULES_QUEUE = 'schedules';
export const TICK_JOB_NAME = 'schedule.tick';

export interface ScheduleTickData {
  scheduleId: string;
  /** The schedule's version when the scheduler was written; a sync compares it. */
  version: number;
}

/** Retries cover a database outage at the tick; the run's id keeps them from doubling it. */
export const TICK_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: { age: 7 * 86_400, count: 1_000 },
} satisfies JobsOptions;

export function repeatOf(schedule: Pick<Schedule, 'cron' | 'everyMs' | 'timezone'>): RepeatSpec {
  if (schedule.cron !== null) {
    return { kind: 'cron', cron: schedule.cron, timezone: schedule.timezone };
  }
  return { kind: 'interval', everyMs: schedule.everyMs ?? 60_000 };
}

/** The due time of a tick: its job id is `repeat:<scheduler id>:<due ms>`. */
export function dueTimeOfTick(jobId: string | undefined, fallback: number): number {
  const match = jobId?.match(/:(\d+)$/);
  return match ? Number(match[1]) : fallback;
}
