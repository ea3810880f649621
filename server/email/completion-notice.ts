import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { getPrisma } from '@/server/infra/clients';
import type { AttemptEnd } from '@/server/tasks/attempt-outcome';
import { createInternalTask } from '@/server/tasks/task-submission';
import { buildCompletionMessage, resolvePublicUrl } from './completion-message';

/** Never notified about: an email about an email would never end. */
const EMAIL_TASK_TYPE = 'email.send';

/**
 * When a task of a user who opted in has succeeded or failed, queues an email.send task for
 * them. Called by the worker once an attempt is settled. Never throws: a notice that cannot be
 * queued is logged, and the task's own outcome stands.
 */
export async function notifyTaskFinished(taskId: string, kind: AttemptEnd['kind']): Promise<void> {
  // A retry, a cancel or a hand-back sends nothing, and costs no database read.
  if (kind !== 'succeeded' && kind !== 'failed') return;
  try {
    const task = await getPrisma().task.findUnique({
      where: { id: taskId },
      include: { owner: { select: { email: true, notifyOnCompletion: true, banned: true } } },
    });
    // Read back, not taken from the runner: the row holds the final status, times and error.
    if (!task || (task.status !== 'succeeded' && task.status !== 'failed')) return;
    if (task.type === EMAIL_TASK_TYPE || !task.ownerId || !task.owner) return;
    if (!task.owner.notifyOnCompletion || task.owner.banned) return;
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
    getLogger().error({ err: error, taskId }, 'could not queue the completion email');
  }
}
