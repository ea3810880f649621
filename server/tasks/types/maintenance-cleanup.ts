import { z } from 'zod';
import { formatBytes } from '@/lib/format-bytes';
import { getEnv } from '@/lib/env';
import { purgeExpiredTasks } from '@/server/maintenance/retention-service';
import { defineTaskType } from '../task-type';

const DAY_MS = 86_400_000;

export const cleanupPayloadSchema = z
  .object({
    /** Finished tasks older than this go; RETENTION_DAYS when left out. */
    olderThanDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const maintenanceCleanup = defineTaskType({
  name: 'maintenance.cleanup',
  title: 'Retention cleanup',
  description:
    'Removes finished tasks older than the retention age, with their uploads, outputs and logs.',
  schema: cleanupPayloadSchema,
  access: 'admin',
  defaults: {
    queue: 'maintenance',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 60_000, maxDelayMs: 15 * 60_000 },
    // A big backlog is worked off over several runs: past the soft limit the run stops after
    // its current batch and reports what it did.
    softTimeoutMs: 50 * 60_000,
    timeoutMs: 60 * 60_000,
  },
  async process({ payload, signal, softLimit, reportProgress, log }) {
    const days = payload.olderThanDays ?? getEnv().RETENTION_DAYS;
    const cutoff = new Date(Date.now() - days * DAY_MS);
    reportProgress(0, `Looking for tasks finished before ${cutoff.toISOString()}`);
    log(
      `Removing tasks that finished more than ${days} days ago (before ${cutoff.toISOString()}).`,
    );

    const outcome = await purgeExpiredTasks({
      olderThan: cutoff,
      signal,
      stopEarly: softLimit,
      onProgress: ({ totals, batch, due }) => {
        const message = `Removed ${totals.tasks} tasks (${formatBytes(totals.bytes)})`;
        reportProgress(due > 0 ? Math.min(95, (totals.tasks / due) * 95) : 95, message);
        log(
          `Batch: ${batch.tasks} tasks, ${batch.files} files (${formatBytes(batch.bytes)})` +
            (batch.skipped > 0 ? `; ${batch.skipped} kept, their files could not be removed` : ''),
          batch.skipped > 0 ? 'warn' : 'info',
        );
      },
    });

    log(`Removed ${outcome.partials} unfinished writes older than a day.`);
    const summary = `Removed ${outcome.tasks} tasks, ${outcome.files} files (${formatBytes(outcome.bytes)})`;
    log(outcome.complete ? `${summary}.` : `${summary}; stopped at the time limit, run it again.`);
    reportProgress(100, summary);
    return {
      result: {
        cutoff: cutoff.toISOString(),
        olderThanDays: days,
        tasks: outcome.tasks,
        files: outcome.files,
        bytes: outcome.bytes,
        partials: outcome.partials,
        skipped: outcome.skipped,
        complete: outcome.complete,
      },
    };
  },
});
