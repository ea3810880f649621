import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { findTaskType } from '@/server/tasks/registry';
import type { TransitionedTask } from '@/server/tasks/task-transitions';
import { createInternalTask } from '@/server/tasks/task-submission';
import { emailSend } from '@/server/tasks/types/email-send';
import { buildCompletionMessage, resolvePublicUrl } from './completion-message';

/** Whether the task's type wants its end told (not the email type itself); unknown types do. */
function sendsCompletionEmail(typeName: string): boolean {
  return findTaskType(typeName)?.completionEmail ?? true;
}

/**
 * When a task of a user who opted in has succeeded or failed, queues an email.send task for
 * them. Called by the worker once an attempt is settled, with the task as the settling
 * statement returned it (its owner's settings read by that same statement). Never throws: a
 * notice that cannot be queued is logged, and the task's own outcome stands.
 */
export async function notifyTaskFinished(task: TransitionedTask): Promise<void> {
  if (task.status !== 'succeeded' && task.status !== 'failed') return;
  if (!sendsCompletionEmail(task.type) || !task.ownerId || !task.owner) return;
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
    await createInternalTask(
      emailSend.name,
      task.ownerId,
      {
        to: task.owner.email,
        subject: message.subject,
        text: message.text,
        aboutTaskId: task.id,
      },
      { parentTaskId: task.id },
    );
  } catch (error) {
    getLogger().error({ err: error, taskId: task.id }, 'could not queue the completion email');
  }
}
