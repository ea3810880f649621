// What a toast says: one line acknowledging a mutation, and where to see its result.

export interface ToastInput {
  message: string;
  /** Where to look: the task the mutation made or changed, usually. */
  href?: string;
  /** The link's text ("view task" unless said otherwise). */
  linkText?: string;
}

/** How long a toast stays when nobody hovers or focuses it. */
export const TOAST_MS = 8_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The task behind an action's answer, if it names one: a task itself (id, type and status), or
 * a `taskId` field (a schedule's run now, a replay).
 */
export function taskIdOf(data: unknown): string | null {
  if (!isRecord(data)) return null;
  if (typeof data.taskId === 'string') return data.taskId;
  if (
    typeof data.id === 'string' &&
    typeof data.type === 'string' &&
    typeof data.status === 'string'
  )
    return data.id;
  return null;
}

/** The toast for an answer the caller said nothing about: "Done", linking to its task if any. */
export function defaultToast(data: unknown, message = 'Done'): ToastInput {
  const taskId = taskIdOf(data);
  return taskId ? { message, href: `/tasks/${taskId}` } : { message };
}
