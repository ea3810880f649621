import { ConflictError, ForbiddenError } from '@/lib/errors';
import type { Task } from '@/lib/generated/prisma/client';
import type { TaskTypeForm } from '@/lib/tasks/task-type-form';
import { TERMINAL_STATUSES, type TaskView } from '@/lib/tasks/task-view';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import {
  canSeeTask,
  isAdmin,
  requireUser,
  type Principal,
  type UserPrincipal,
} from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { findTaskType } from './registry';
import { toTaskTypeForm } from './task-type-catalog';
import { findVisibleTask } from './task-service';
import { submitTask } from './task-submission';

// "Replay with changes" (as Trigger.dev has it): a finished task's payload, edited, submitted as
// a new task that names the one it replays (tasks.replay_of_task_id). Whoever may submit the
// type may replay a task they can see: admins any type but internal ones, a user their own
// tasks of a user type. Internal types (file.process, email.send, webhook deliveries) are made
// by Taskdeck from what it stored or measured, an upload's payload among them: an edited copy
// could point at a file that is not the user's, so they are refused here (Retry reruns them).

const REPLAY_LINKS_SHOWN = 10;

function replayRefusal(user: UserPrincipal, task: Task): string | null {
  if (!TERMINAL_STATUSES.has(task.status)) {
    return 'Only a finished task can be replayed; this one is still ' + task.status + '.';
  }
  const type = findTaskType(task.type);
  if (!type) return `Its type ${task.type} no longer exists.`;
  const access = type.access ?? 'user';
  if (access === 'internal') {
    return `${type.title} tasks are made by Taskdeck itself; retry this one instead.`;
  }
  if (access === 'admin' && !isAdmin(user)) return `Only admins run ${type.name} tasks.`;
  return null;
}

export interface ReplayForm {
  type: TaskTypeForm;
  /** The original payload, to start editing from. */
  payload: Record<string, unknown>;
}

/** The form to replay this task with, or null when the principal may not replay it. */
export async function readReplayForm(principal: Principal, id: string): Promise<ReplayForm | null> {
  const user = requireUser(principal);
  const task = await findVisibleTask(principal, id);
  const type = findTaskType(task.type);
  if (!type || replayRefusal(user, task) !== null) return null;
  const payload =
    typeof task.payload === 'object' && task.payload !== null && !Array.isArray(task.payload)
      ? (task.payload as Record<string, unknown>)
      : {};
  return { type: toTaskTypeForm(type), payload };
}

/**
 * Submits a new task of the same type with this payload (checked by the type's schema, and a
 * user's by its tighter one: field errors under `payload`), owned by the caller, at the
 * original's priority where the caller may use it, linked to the original. Admins' replays of
 * other people's tasks are audited.
 */
export async function replayTaskWithChanges(
  principal: Principal,
  input: { id: string; payload: unknown },
  context: AuditContext,
): Promise<TaskView> {
  const user = requireUser(principal);
  const original = await findVisibleTask(principal, input.id);
  const refusal = replayRefusal(user, original);
  if (refusal !== null) {
    if (!TERMINAL_STATUSES.has(original.status)) throw new ConflictError(refusal);
    throw new ForbiddenError(refusal);
  }
  const mayUsePriority =
    isAdmin(user) || original.priority === 'low' || original.priority === 'normal';
  const { task } = await submitTask(user, {
    type: original.type,
    payload: input.payload,
    priority: mayUsePriority ? original.priority : 'normal',
  });
  // The new row, read by nobody else yet, names its original; an original deleted meanwhile
  // leaves the link null (the foreign key would refuse it).
  await getPrisma().$executeRaw`
    UPDATE tasks SET replay_of_task_id = o.id FROM tasks o
    WHERE tasks.id = ${task.id}::uuid AND o.id = ${original.id}::uuid`;
  if (original.ownerId !== user.userId) {
    await recordAudit(user, 'task.replay', { type: 'task', id: task.id }, context, {
      replayOf: original.id,
      type: original.type,
      ownerId: original.ownerId,
    });
  }
  return task;
}

export interface ReplayLinks {
  /** The task this one replays, if the principal can see it. */
  replayOf: string | null;
  /** The newest replays of this task the principal can see. */
  replays: string[];
}

/** Both directions of the replay link, as the task page shows them. */
export async function findReplayLinks(principal: Principal, taskId: string): Promise<ReplayLinks> {
  requireUser(principal);
  const [self, replays] = await Promise.all([
    getPrisma().task.findUnique({
      where: { id: taskId },
      select: { replayOf: { select: { id: true, ownerId: true } } },
    }),
    getPrisma().task.findMany({
      where: { replayOfTaskId: taskId },
      select: { id: true, ownerId: true },
      orderBy: { id: 'desc' },
      take: REPLAY_LINKS_SHOWN,
    }),
  ]);
  const origin = self?.replayOf;
  return {
    replayOf: origin && canSeeTask(principal, origin) ? origin.id : null,
    replays: replays.filter((replay) => canSeeTask(principal, replay)).map((replay) => replay.id),
  };
}
