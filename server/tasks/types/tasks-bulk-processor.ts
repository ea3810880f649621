import { FILTER_BULK_WORDS } from '@/lib/tasks/filter-bulk-inputs';
import { runFilterBulkBatches } from '@/server/tasks/filter-bulk-run';
import type { TaskContext, TaskOutput } from '../task-type';
import type { TasksBulkPayload } from './tasks-bulk';

export async function processTask({
  taskId,
  payload,
  signal,
  checkpoint,
  saveCheckpoint,
  reportProgress,
  log,
}: TaskContext<TasksBulkPayload>): Promise<TaskOutput> {
  const { done } = FILTER_BULK_WORDS[payload.action];
  if (checkpoint) log('Going on from the last batch an earlier attempt finished.');
  const result = await runFilterBulkBatches({
    taskId,
    action: payload.action,
    filter: payload.filter,
    checkpoint,
    saveCheckpoint,
    signal,
    onBatch: ({ seen, matched, succeeded, skipped }) => {
      const message = `${seen.toLocaleString('en')} of ${matched.toLocaleString('en')}: ${succeeded.toLocaleString('en')} ${done}, ${skipped.toLocaleString('en')} skipped`;
      reportProgress(matched > 0 ? Math.min(99, (seen / matched) * 100) : 99, message);
    },
  });
  const summary = `${result.succeeded.toLocaleString('en')} of ${result.matched.toLocaleString('en')} ${done}`;
  for (const { reason, count } of result.reasons) log(`${count} skipped: ${reason}`, 'warn');
  log(`${summary}, ${result.skipped.toLocaleString('en')} skipped, in ${result.batches} batches.`);
  reportProgress(100, summary);
  return { result: { ...result } };
}
