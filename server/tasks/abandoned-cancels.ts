import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { getPrisma } from '@/server/infra/clients';
import type { CancelRequest } from './cancel-relay';
import { endCancelling } from './task-transitions';

// The safety net for cancels no live process will ever confirm: a worker's backstop for a task it
// does not hold, and the sweep of tasks left `cancelling` by processes that are gone (run by the
// worker at start and by the reconciler).

/** A worker that holds no job of a cancelled task marks it cancelled this long after the deadline. */
export const BACKSTOP_GRACE_MS = 2_000;

/** Marks a task cancelled that is still `cancelling` at this revision: its stop was never confirmed. */
export async function forceCancelled(request: CancelRequest, reason: string): Promise<void> {
  const task = await endCancelling(request.taskId, { revision: request.revision }, reason);
  if (task) getLogger().warn({ taskId: task.id }, reason);
}

/** At worker start: tasks left `cancelling` past their deadline by processes that are gone. */
export async function sweepAbandonedCancels(): Promise<number> {
  const cutoff = new Date(Date.now() - getEnv().CANCEL_DEADLINE_MS - BACKSTOP_GRACE_MS);
  const stale = await getPrisma().task.findMany({
    where: { status: 'cancelling', cancelRequestedAt: { lt: cutoff } },
    select: { id: true, revision: true, cancelRequestedAt: true },
    take: 1_000,
  });
  for (const task of stale) {
    const requestedAt = task.cancelRequestedAt?.getTime() ?? 0;
    await forceCancelled(
      { taskId: task.id, revision: task.revision, actorId: null, requestedAt, deadlineAt: 0 },
      'Forced: no worker confirmed the stop before its deadline.',
    );
  }
  return stale.length;
}
