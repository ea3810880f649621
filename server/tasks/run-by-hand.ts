import { ValidationError } from '@/lib/errors';
import type { CreateTaskInput } from '@/lib/tasks/task-inputs';
import type { TaskView } from '@/lib/tasks/task-view';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { describeByHandRefusal } from './task-type-catalog';
import { resolveType, submitTask } from './task-submission';

/**
 * An admin runs any task type that is not internal, now, after a delay or at a time, with any
 * priority. The task is the admin's own, and the run is audited.
 */
export async function runTaskByHand(
  principal: Principal,
  input: CreateTaskInput,
  context: AuditContext,
): Promise<TaskView> {
  const admin = requireAdmin(principal);
  const type = resolveType(input.type);
  const refusal = describeByHandRefusal(type);
  if (refusal !== null) {
    throw new ValidationError(`${type.name} tasks cannot be run by hand: ${refusal}.`, [
      { path: 'type', message: `Not runnable by hand: ${refusal}.` },
    ]);
  }
  const { task } = await submitTask(admin, input);
  const priority = input.priority ?? 'normal';
  await recordAudit(admin, 'task.run_by_hand', { type: 'task', id: task.id }, context, {
    type: type.name,
    priority,
    ...(input.delayMs !== undefined ? { delayMs: input.delayMs } : {}),
    ...(input.runAt !== undefined ? { runAt: input.runAt } : {}),
  });
  return task;
}
