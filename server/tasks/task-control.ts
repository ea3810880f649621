import { z } from 'zod';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@/lib/errors';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import type { BulkTaskAction } from '@/lib/tasks/task-inputs';
import { isRetryable, TASK_STATUSES, type TaskView } from '@/lib/tasks/task-view';
import type { Task } from '@/lib/generated/prisma/client';
import { canSeeTask, requireAdmin, requireUser, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { clearCancelRequest, publishCancelRequest } from './cancel-relay';
import { findTaskType } from './registry';
import { nextJobId, removeTaskJob } from './task-jobs';
import { toTaskView } from './task-mapper';
import { transitionTask } from './task-transitions';
import { deleteTasksInBulk } from './task-deletion';
import { findVisibleTask } from './task-service';

// Cancel and retry by hand, for one task (its owner or an admin) or many (admins); deleting
// finished tasks in bulk (admins) is in task-deletion.ts.

async function auditIfOthers(
  principal: Principal,
  task: Task,
  action: 'task.cancel' | 'task.retry',
  context: AuditContext,
) {
  if (principal.kind === 'user' && task.ownerId !== principal.userId) {
    await recordAudit(principal, action, { type: 'task', id: task.id }, context, {
      ownerId: task.ownerId,
    });
  }
}

/**
 * The end of a transition's reason naming the bulk task that made it, so an attempt of that
 * task after a lost one can tell what the lost one already did (server/tasks/filter-bulk-run.ts).
 */
export function bulkReasonMark(bulkTaskId: string): string {
  return ` Bulk task ${bulkTaskId}.`;
}

const reasonOf = (reason: string, bulkTaskId?: string) =>
  bulkTaskId ? `${reason}${bulkReasonMark(bulkTaskId)}` : reason;

/** One step of cancelling; null when the task moved meanwhile and the step must be redone. */
async function cancelStep(task: Task, actorId: string, via?: string): Promise<Task | null> {
  switch (task.status) {
    case 'cancelled':
    case 'cancelling':
      return task;
    case 'succeeded':
    case 'failed':
      throw new ConflictError(`The task already ${task.status}; there is nothing to cancel.`);
    case 'running': {
      const requestedAt = Date.now();
      const cancelling = await transitionTask({
        taskId: task.id,
        from: ['running'],
        to: 'cancelling',
        revision: task.revision,
        data: { cancelRequestedAt: new Date(requestedAt), progressMessage: 'Cancelling…' },
        reason: reasonOf('Cancel requested.', via),
        actorId,
      });
      if (!cancelling) return null;
      // The request stands once recorded: if Redis cannot carry it now, the reconciler forces
      // the cancel past its deadline (sweepAbandonedCancels).
      await publishCancelRequest({
        taskId: task.id,
        revision: cancelling.revision,
        actorId,
        requestedAt,
        deadlineAt: requestedAt + getEnv().CANCEL_DEADLINE_MS,
      }).catch((error: unknown) =>
        getLogger().warn({ err: error, taskId: task.id }, 'could not publish a cancel request'),
      );
      return cancelling;
    }
    default: {
      // queued, delayed, retrying: no processor runs, so it is cancelled at once.
      const cancelled = await transitionTask({
        taskId: task.id,
        from: [task.status],
        to: 'cancelled',
        revision: task.revision,
        data: {
          cancelRequestedAt: new Date(),
          finishedAt: new Date(),
          retryAt: null,
          progressMessage: 'Cancelled',
        },
        reason: reasonOf('Cancelled before it ran.', via),
        actorId,
      });
      if (!cancelled) return null;
      // A worker that took the job meanwhile finds the task cancelled and skips it.
      await removeTaskJob(task).catch((error: unknown) =>
        getLogger().warn({ err: error, taskId: task.id }, 'could not remove a cancelled job'),
      );
      return cancelled;
    }
  }
}

async function cancelOne(task: Task, actorId: string, via?: string): Promise<Task> {
  let current: Task | null = task;
  // Each lost race means the task moved on by one status; a few rounds always settle it.
  for (let round = 0; round < 5 && current; round += 1) {
    const done = await cancelStep(current, actorId, via);
    if (done) return done;
    current = await getPrisma().task.findUnique({ where: { id: task.id } });
  }
  if (!current) throw new NotFoundError('No such task.');
  throw new ConflictError('The task keeps changing; try again.');
}

async function retryOne(task: Task, actorId: string, via?: string): Promise<Task> {
  if (!isRetryable(task.status)) {
    throw new ConflictError(
      `Only failed or cancelled tasks can be retried; this one is ${task.status}.`,
    );
  }
  const jobId = nextJobId(task);
  const queued = await transitionTask({
    taskId: task.id,
    from: [task.status],
    to: 'queued',
    revision: task.revision,
    data: {
      jobId,
      // The type's full budget of automatic attempts again, on top of the ones already made.
      maxAttempts: task.attempts + (findTaskType(task.type)?.defaults.attempts ?? 1),
      progress: 0,
      progressMessage: 'Queued for a retry',
      error: null,
      result: null,
      runAt: null,
      retryAt: null,
      cancelRequestedAt: null,
      finishedAt: null,
      // A retry by hand starts the task over, not from where a processor got to.
      checkpoint: null,
    },
    reason: reasonOf('Retried by hand.', via),
    actorId,
    enqueue: true,
  });
  if (!queued) throw new ConflictError('The task changed meanwhile; reload and try again.');
  await clearCancelRequest(task.id).catch((error: unknown) =>
    getLogger().warn({ err: error, taskId: task.id }, 'could not clear an old cancel request'),
  );
  return queued;
}

/** What can be done to one task; 'delete' is bulk only. */
type TaskAction = Exclude<BulkTaskAction['action'], 'delete'>;

// What each action does to one task, and how it is audited for one task and for many.
const ACTIONS: Record<
  TaskAction,
  {
    run: (task: Task, actorId: string, via?: string) => Promise<Task>;
    audit: 'task.cancel' | 'task.retry';
    bulkAudit: 'tasks.bulk_cancel' | 'tasks.bulk_retry';
  }
> = {
  cancel: { run: cancelOne, audit: 'task.cancel', bulkAudit: 'tasks.bulk_cancel' },
  retry: { run: retryOne, audit: 'task.retry', bulkAudit: 'tasks.bulk_retry' },
};

/**
 * Cancels or retries one task already read, as an admin's bulk action does: no authorization
 * and no audit (the caller does both); the transition's reason names the bulk task. Throws
 * ConflictError when the task's status forbids it.
 */
export function applyTaskAction(
  action: TaskAction,
  task: Task,
  actorId: string,
  bulkTaskId: string,
): Promise<Task> {
  return ACTIONS[action].run(task, actorId, bulkTaskId);
}

export const BULK_AUDIT_ACTIONS = {
  cancel: 'tasks.bulk_cancel',
  retry: 'tasks.bulk_retry',
  delete: 'tasks.bulk_delete',
} as const;

async function runTaskAction(
  action: TaskAction,
  principal: Principal,
  id: string,
  context: AuditContext,
): Promise<TaskView> {
  const user = requireUser(principal);
  const task = await findVisibleTask(principal, id);
  const result = await ACTIONS[action].run(task, user.userId);
  await auditIfOthers(principal, task, ACTIONS[action].audit, context);
  return toTaskView(result);
}

/**
 * Cancels a task. Queued, delayed and retrying tasks end cancelled at once; a running one becomes
 * `cancelling` and the worker holding it is told to stop (see server/attempts/running-attempts.ts).
 */
export function cancelTask(principal: Principal, id: string, context: AuditContext) {
  return runTaskAction('cancel', principal, id, context);
}

/** Retries a failed or cancelled task by hand: a new attempt of the same task, history kept. */
export function retryTask(principal: Principal, id: string, context: AuditContext) {
  return runTaskAction('retry', principal, id, context);
}

export const bulkResultSchema = z
  .object({
    results: z.array(
      z.object({
        id: z.string(),
        ok: z.boolean(),
        status: z
          .enum(TASK_STATUSES)
          .optional()
          .meta({ description: 'After the action; for a deleted task, the status it had.' }),
        error: z.string().optional().meta({ description: 'Why this one was not done.' }),
      }),
    ),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: 'BulkResult' });
export type BulkResult = z.infer<typeof bulkResultSchema>;
export type BulkOutcome = BulkResult['results'][number];

/** Admins: cancel, retry or delete many tasks; each one succeeds or fails on its own. */
export async function runBulkTaskAction(
  principal: Principal,
  input: BulkTaskAction,
  context: AuditContext,
): Promise<BulkResult> {
  const admin = requireAdmin(principal);
  if (input.action === 'delete') return deleteTasksInBulk(principal, input.ids, context);
  const action = input.action;
  const ids = [...new Set(input.ids)];
  const tasks = await getPrisma().task.findMany({ where: { id: { in: ids } } });
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const results: BulkOutcome[] = [];
  for (const id of ids) {
    const task = byId.get(id);
    if (!task || !canSeeTask(principal, task)) {
      results.push({ id, ok: false, error: 'No such task.' });
      continue;
    }
    try {
      const done = await ACTIONS[action].run(task, admin.userId);
      results.push({ id, ok: true, status: done.status });
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof ServiceUnavailableError))
        throw error;
      results.push({ id, ok: false, error: error.message });
    }
  }
  const succeeded = results.filter((result) => result.ok).length;
  await recordAudit(admin, ACTIONS[action].bulkAudit, null, context, {
    requested: ids.length,
    succeeded,
    ids: ids.slice(0, 100),
  });
  return { results, succeeded, failed: results.length - succeeded };
}
