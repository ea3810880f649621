import { nowMs, type TaskLogLine, type TaskUpdate } from '@/lib/realtime/events';
import { canTransition } from '@/lib/tasks/task-states';
import type { Task } from '@/lib/generated/prisma/client';
import { recordTaskOutcome } from '@/server/metrics/task-outcomes';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { noteWebhookEventRecorded } from '@/server/webhooks/webhook-nudge';
import { dispatchJob } from './job-dispatch';
import { toTaskUpdate } from './task-mapper';
import { applyTransition, type TransitionedTask, type TransitionRow } from './transition-batch';

export type { TaskChange, TransitionedTask } from './transition-batch';

export type TransitionRequest = TransitionRow;

function assertAllowed(request: TransitionRequest): void {
  for (const from of request.from) {
    if (!canTransition(from, request.to)) {
      throw new Error(`Transition ${from} → ${request.to} is not allowed`);
    }
  }
}

/**
 * The one place a task's status changes: one statement (transition-batch.ts) checks the task is
 * still where the caller thinks (status, attempt, revision, job), applies the change with a new
 * revision and records it in the timeline; then it is published. Returns null when the task has
 * moved on: the caller lost a race and must not act as if it had won.
 *
 * With `enqueue` (a retry, a restarted attempt) the job's outbox entry is written by the same
 * statement and the job added after it, so the job is never lost in between.
 */
export async function transitionTask(request: TransitionRequest): Promise<TransitionedTask | null> {
  assertAllowed(request);
  const updated = await applyTransition(request);
  if (updated) {
    await publishTaskState(updated);
    // Counted where the change is made, in Redis, so every web node's /metrics agrees.
    recordTaskOutcome(updated);
    // The event is committed already; this only spares it the wait for the relay's next turn.
    if (updated.webhookEvent) noteWebhookEventRecorded();
    if (request.enqueue) await dispatchJob(updated);
  }
  return updated;
}

/**
 * Ends a `cancelling` task as cancelled, whoever settles it (the worker holding it, a backstop,
 * a lost job), while the guard still holds.
 */
export function endCancelling(
  taskId: string,
  guard: Pick<TransitionRequest, 'attempt' | 'revision' | 'jobId'>,
  reason: string,
  logLines: TaskLogLine[] = [],
): Promise<TransitionedTask | null> {
  return transitionTask({
    taskId,
    ...guard,
    from: ['cancelling'],
    to: 'cancelled',
    data: { finishedAt: new Date(), progressMessage: 'Cancelled' },
    reason,
    logLines,
  });
}

/** Publishes the task's whole current state as one update. */
export function publishTaskState(task: Task, extra: Partial<TaskUpdate> = {}) {
  return publishBusMessage({
    kind: 'task.updated',
    ownerId: task.ownerId,
    update: { ...toTaskUpdate(task), ...extra, emittedAt: nowMs() },
  });
}
