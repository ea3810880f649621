import { formatBytes } from '@/lib/format-bytes';
import { getEnv } from '@/lib/env';
import { purgeExpiredTasks } from '@/server/maintenance/retention-service';
import { purgeExpiredWebhookDeliveries } from '@/server/webhooks/webhook-retention';
import type { TaskContext, TaskOutput } from '../task-type';
import type { CleanupPayload } from './maintenance-cleanup';

const DAY_MS = 86_400_000;

export async function processTask({
  payload,
  signal,
  softLimit,
  reportProgress,
  log,
}: TaskContext<CleanupPayload>): Promise<TaskOutput> {
  const days = payload.olderThanDays ?? getEnv().RETENTION_DAYS;
  const cutoff = new Date(Date.now() - days * DAY_MS);
  reportProgress(0, `Looking for tasks finished before ${cutoff.toISOString()}`);
  log(`Removing tasks that finished more than ${days} days ago (before ${cutoff.toISOString()}).`);

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
  const webhookDeliveries = await purgeExpiredWebhookDeliveries(cutoff, signal);
  log(`Removed ${webhookDeliveries} webhook deliveries made before the cutoff.`);
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
      webhookDeliveries,
    },
  };
}
