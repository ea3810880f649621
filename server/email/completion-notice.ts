import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import type { TransitionedTask } from '@/server/tasks/task-transitions';
import { createInternalTask } from '@/server/tasks/task-submission';
import { buildCompletionMessage, resolvePublicUrl } from './completion-message';

/** Never notified about: an email about an email would never end. */
const EMAIL_TASK_TYPE = 'email.send';

/**
 * When a task of a user who opted in has succeeded or failed, queues an email.send task for
 * them. Called by the worker once an attempt is settled, with the task as the settling
 * statement returned it (its owner's settings read by that same statement). Never throws: a
 * notice that cannot be queued is logged, and the task's own outcome stands.
 */
export async function notifyTaskFinished(task: TransitionedTask): Promise<void> {
  if (task.status !== 'succeeded' && task.status !== 'failed') return;
  if (task.type === EMAIL_TASK_TYPE || !task.ownerId || !task.owner) return;
  if (!task.owner.notifyOnCompletion || task.owner.banned) return;
  try {
    const message = buildCompletionMessage(
      {
        id: task.id,
        type: task.type,
        status: task.status,
        attempts: task.attempts,
        maxAttempts: task.maxAttempts,
        createdAt: task.createdAt,
        startedAt: task.startedAt,
        finishedAt: task.finishedAt,
        error: (task.error as { code?: unknown; message?: unknown } | null) ?? null,
      },
      resolvePublicUrl(getEnv()),
    );
    await createInternalTask(EMAIL_TASK_TYPE, task.ownerId, {
      to: task.owner.email,
      subject: message.subject,
      text: message.text,
      aboutTaskId: task.id,
    });
  } catch (error) {
    getLogger().error({ err: error, taskId: task.id }, 'could not queue the completion email');
  }
}
