import { getLogger } from '@/lib/logger';
import { definePreparedStatement } from '@/server/db/prepared-statement';
import { onCloseClients } from '@/server/infra/clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { enqueueTaskJob, type JobTask } from './task-jobs';

// The request path adds a new task's job at once, so pickup stays fast; its outbox entry (in
// the same statement as the row) is the backstop: if this add fails or the process dies first,
// the relay (server/durability/outbox-relay.ts) adds it. An added job's entry is deleted in
// batches, off the request path; an entry left behind only makes the relay add a job that
// already exists, which changes nothing.

/** Longer than a healthy add ever takes; past it the relay is the better bet. */
const ADD_TIMEOUT_MS = 1_500;
const DONE_FLUSH_DELAY_MS = 25;

const deleteOutboxEntries = definePreparedStatement(
  'outbox_done',
  'DELETE FROM task_outbox WHERE job_id = ANY($1::varchar[])',
);

const done = new Set<string>();
let flushTimer: NodeJS.Timeout | null = null;
let closerRegistered = false;

/** Deletes the outbox entries of jobs that were added. Never throws. */
export async function flushOutboxDone(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  const jobIds = [...done];
  done.clear();
  if (jobIds.length === 0) return;
  await deleteOutboxEntries([jobIds]).catch((error: unknown) =>
    getLogger().warn({ err: error, count: jobIds.length }, 'could not clear outbox entries'),
  );
}

export function markOutboxDone(jobId: string): void {
  done.add(jobId);
  if (!closerRegistered) {
    closerRegistered = true;
    onCloseClients(async () => {
      await flushOutboxDone();
      closerRegistered = false;
    });
  }
  flushTimer ??= setTimeout(() => void flushOutboxDone(), DONE_FLUSH_DELAY_MS);
}

/**
 * Adds the job of a task whose outbox entry was just written. False when Redis could not take
 * it now: the task stays queued and the relay adds the job once Redis is back.
 */
export async function dispatchJob(task: JobTask): Promise<boolean> {
  if (!task.jobId || isRedisDown()) return false;
  try {
    await enqueueTaskJob(task, ADD_TIMEOUT_MS);
    markOutboxDone(task.jobId);
    return true;
  } catch (error) {
    getLogger().warn(
      { err: error, taskId: task.id, jobId: task.jobId },
      'could not add the job now; the outbox relay will',
    );
    return false;
  }
}
