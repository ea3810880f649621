import type { JobSchedulerJson } from 'bullmq';
import { getLogger } from '@/lib/logger';
import { findPreviousRun } from '@/lib/schedules/cron';
import type { Prisma, Schedule } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { catchUpMissedRun } from './schedule-runs';
import {
  repeatOf,
  SCHEDULES_QUEUE,
  TICK_JOB_NAME,
  TICK_JOB_OPTIONS,
  type ScheduleTickData,
} from './schedule-queue';

// Postgres is the source of truth; BullMQ's job schedulers follow it. Every sync runs under one
// Postgres advisory lock, so web processes syncing at once (at start, or one on an edit while
// another reconciles) apply whole, fresh states one after the other, never a stale one last.

const SYNC_LOCK_KEY = 0x7461736b_6465636bn & 0x7fffffffffffffffn; // "taskdeck"

export interface SyncReport {
  upserted: string[];
  removed: string[];
  /** Runs made or skipped for due times missed while a scheduler was gone. */
  caughtUp: string[];
}

async function withSyncLock<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return getPrisma().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SYNC_LOCK_KEY})`;
      return work(tx);
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}

function matches(scheduler: JobSchedulerJson<ScheduleTickData>, schedule: Schedule): boolean {
  const repeat = repeatOf(schedule);
  const data = scheduler.template?.data;
  if (data?.version !== schedule.version || data.scheduleId !== schedule.id) return false;
  return repeat.kind === 'cron'
    ? scheduler.pattern === repeat.cron && (scheduler.tz ?? 'UTC') === repeat.timezone
    : Number(scheduler.every) === repeat.everyMs && !scheduler.pattern;
}

/**
 * Where a new interval scheduler starts. BullMQ runs a new `every` scheduler at once; after a
 * lost Redis that would be a run nobody asked for unless one was missed, so the start is the
 * next slot after the last run, or now when one was missed and the policy says run once.
 */
function intervalStart(schedule: Schedule, now: number): number | undefined {
  const every = schedule.everyMs;
  if (!every || !schedule.lastRunAt) return undefined;
  const last = Math.max(schedule.lastRunAt.getTime(), schedule.enabledAt.getTime());
  const nextSlot = last + every;
  if (nextSlot > now) return nextSlot;
  if (schedule.missedRunPolicy === 'run_once') return undefined;
  return last + Math.ceil((now - last) / every) * every;
}

async function upsertScheduler(schedule: Schedule, now: number, fresh: boolean): Promise<void> {
  const repeat = repeatOf(schedule);
  const data: ScheduleTickData = { scheduleId: schedule.id, version: schedule.version };
  const startDate = fresh && repeat.kind === 'interval' ? intervalStart(schedule, now) : undefined;
  await getQueue(SCHEDULES_QUEUE).upsertJobScheduler(
    schedule.id,
    repeat.kind === 'cron'
      ? { pattern: repeat.cron, tz: repeat.timezone }
      : { every: repeat.everyMs, ...(startDate ? { startDate } : {}) },
    { name: TICK_JOB_NAME, data, opts: TICK_JOB_OPTIONS },
  );
}

/**
 * A due time that passed while the schedule had no scheduler (Redis lost its data, or the
 * system was down across it): the last cron time after the later of the last run and the
 * moment the schedule was enabled. Interval schedules catch up through intervalStart.
 */
function findMissedRun(schedule: Schedule, now: number): number | null {
  if (schedule.cron === null) return null;
  const previous = findPreviousRun(repeatOf(schedule), new Date(now));
  if (!previous) return null;
  const since = Math.max(schedule.lastRunAt?.getTime() ?? 0, schedule.enabledAt.getTime());
  return previous.getTime() > since ? previous.getTime() : null;
}

/** Brings one schedule's scheduler in line with its row, after a change. */
export async function syncSchedule(id: string): Promise<void> {
  await withSyncLock(async (tx) => {
    const schedule = await tx.schedule.findUnique({ where: { id } });
    if (!schedule?.enabled) {
      await getQueue(SCHEDULES_QUEUE).removeJobScheduler(id);
      return;
    }
    const existing = await getQueue(SCHEDULES_QUEUE).getJobScheduler(id);
    await upsertScheduler(schedule, Date.now(), !existing);
  });
}

/**
 * Reconciles every scheduler with the table: adds the missing (catching up a run they missed),
 * rewrites the changed, removes the ones without an enabled schedule, and leaves matching ones
 * alone, so running it often, or from several processes, changes nothing.
 */
export async function syncAllSchedules(now: number = Date.now()): Promise<SyncReport> {
  return withSyncLock(async (tx) => {
    const queue = getQueue(SCHEDULES_QUEUE);
    const [schedules, schedulers] = await Promise.all([
      tx.schedule.findMany({ where: { enabled: true } }),
      queue.getJobSchedulers(0, -1) as Promise<JobSchedulerJson<ScheduleTickData>[]>,
    ]);
    const byId = new Map(schedulers.map((scheduler) => [scheduler.key, scheduler]));
    const wanted = new Set(schedules.map((schedule) => schedule.id));
    const report: SyncReport = { upserted: [], removed: [], caughtUp: [] };

    for (const scheduler of schedulers) {
      if (!wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        report.removed.push(scheduler.key);
      }
    }
    for (const schedule of schedules) {
      const existing = byId.get(schedule.id);
      if (existing && matches(existing, schedule)) continue;
      if (!existing) {
        const missed = findMissedRun(schedule, now);
        if (missed !== null) {
          await catchUpMissedRun(schedule, missed);
          report.caughtUp.push(schedule.id);
        }
      }
      await upsertScheduler(schedule, now, !existing);
      report.upserted.push(schedule.id);
    }
    return report;
  });
}

/** Syncs at start, then every `intervalMs`; the returned function stops it. */
export function startScheduleSync(intervalMs: number): () => void {
  const logger = getLogger();
  let running: Promise<void> | null = null;
  const sync = () => {
    if (running) return;
    running = syncAllSchedules()
      .then((report) => {
        if (report.upserted.length + report.removed.length + report.caughtUp.length > 0) {
          logger.info(report, 'schedules synced to BullMQ');
        }
      })
      .catch((error: unknown) => logger.error({ err: error }, 'schedule sync failed'))
      .finally(() => {
        running = null;
      });
  };
  sync();
  const timer = setInterval(sync, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
