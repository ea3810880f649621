import { z } from 'zod';
import {
  ConflictError,
  NotFoundError,
  PermanentTaskError,
  ServiceUnavailableError,
} from '@/lib/errors';
import {
  FILTER_BULK_CAP,
  FILTER_BULK_ELIGIBLE,
  type FilterBulkAction,
  type FilterBulkResult,
} from '@/lib/tasks/filter-bulk-inputs';
import type { ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { forEachBounded } from '@/lib/for-each-bounded';
import { Prisma, type Task } from '@/lib/generated/prisma/client';
import type { UserPrincipal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { applyTaskAction } from './task-control';
import { deleteFinishedTasks } from './task-deletion';
import { countFilterBulk, filterBulkConditions, selectForBulk } from './filter-bulk-query';

// The work of one `tasks.bulk` task (server/tasks/types/tasks-bulk.ts): the action over every
// task its filter matches, in batches in id order (keyset: each batch starts after the last id
// of the one before). Each task goes through the same transition as a single cancel or retry,
// which checks the status it was read in: a task a worker moved meanwhile is skipped with its
// reason, never acted on twice. After each batch the position and the counts are saved as the
// task's checkpoint, so an attempt after a lost worker goes on from the next batch.

export const FILTER_BULK_BATCH = 500;
/** Tasks of one batch changed at once: their transitions share group commits. */
const LANES = 8;

const checkpointSchema = z.object({
  matched: z.number().int().min(0),
  seen: z.number().int().min(0),
  after: z.string().nullable(),
  succeeded: z.number().int().min(0),
  batches: z.number().int().min(0),
  reasons: z.array(z.tuple([z.string(), z.number().int()])),
});
type BulkCheckpoint = z.infer<typeof checkpointSchema>;

export interface FilterBulkRun {
  /** The bulk task itself, which a filter may match (cancel over running tasks): never acted on. */
  taskId: string;
  action: FilterBulkAction;
  filter: ListTasksQuery;
  checkpoint: unknown;
  saveCheckpoint(state: Record<string, unknown>): Promise<void>;
  onBatch(progress: { seen: number; matched: number; succeeded: number; skipped: number }): void;
  signal: AbortSignal;
}

/** The admin a bulk task acts as: its owner, still an admin and not banned, or it stops. */
export async function findActingAdmin(taskId: string): Promise<UserPrincipal> {
  const task = await getPrisma().task.findUnique({
    where: { id: taskId },
    select: { owner: { select: { id: true, email: true, role: true, banned: true } } },
  });
  const user = task?.owner;
  if (!user || user.role !== 'admin' || user.banned === true) {
    throw new PermanentTaskError(
      'not_an_admin',
      'The admin who started this bulk action is no longer an admin; nothing more was changed.',
    );
  }
  return { kind: 'user', userId: user.id, email: user.email, role: 'admin', via: 'session' };
}

function skip(state: BulkCheckpoint, reasons: Map<string, number>, reason: string): void {
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  state.reasons = [...reasons];
}

async function cancelOrRetryBatch(
  action: 'cancel' | 'retry',
  ids: readonly string[],
  actorId: string,
  state: BulkCheckpoint,
  reasons: Map<string, number>,
): Promise<void> {
  const tasks = await getPrisma().task.findMany({ where: { id: { in: [...ids] } } });
  const eligible = new Set<string>(FILTER_BULK_ELIGIBLE[action]);
  for (let missing = ids.length - tasks.length; missing > 0; missing -= 1)
    skip(state, reasons, 'deleted meanwhile');
  await forEachBounded(tasks, LANES, async (task: Task) => {
    // Moved on since it was selected (a worker finished it): the action no longer applies.
    if (!eligible.has(task.status)) return skip(state, reasons, `now ${task.status}`);
    try {
      await applyTaskAction(action, task, actorId);
      state.succeeded += 1;
    } catch (error) {
      if (!(
        error instanceof ConflictError ||
        error instanceof NotFoundError ||
        error instanceof ServiceUnavailableError
      ))
        throw error;
      skip(state, reasons, error.message);
    }
  });
}

async function deleteBatch(
  ids: readonly string[],
  state: BulkCheckpoint,
  reasons: Map<string, number>,
): Promise<void> {
  const { deleted, kept } = await deleteFinishedTasks(ids);
  state.succeeded += deleted.size;
  for (const id of ids) {
    if (!deleted.has(id)) skip(state, reasons, kept.get(id) ?? 'deleted meanwhile');
  }
}

const skippedOf = (state: BulkCheckpoint) =>
  state.reasons.reduce((total, [, count]) => total + count, 0);

/** Runs (or goes on with) one bulk task's action; its result is the task's result. */
export async function runFilterBulkBatches(run: FilterBulkRun): Promise<FilterBulkResult> {
  const admin = await findActingAdmin(run.taskId);
  const statuses: TaskStatus[] = [...FILTER_BULK_ELIGIBLE[run.action]];
  const conditions = [
    ...filterBulkConditions(admin, run.filter, statuses),
    Prisma.sql`id <> ${run.taskId}::uuid`,
  ];
  const saved = checkpointSchema.safeParse(run.checkpoint);
  // Bounded by what was counted when the task began: tasks that start to match meanwhile wait
  // for another bulk action.
  const state: BulkCheckpoint = saved.success
    ? saved.data
    : {
        matched: Math.min(await countFilterBulk(conditions, FILTER_BULK_CAP), FILTER_BULK_CAP),
        seen: 0,
        after: null,
        succeeded: 0,
        batches: 0,
        reasons: [],
      };
  const reasons = new Map(state.reasons);
  while (state.seen < state.matched) {
    run.signal.throwIfAborted();
    const keyset = state.after ? [Prisma.sql`id > ${state.after}::uuid`] : [];
    const ids = await selectForBulk(
      [...conditions, ...keyset],
      Math.min(FILTER_BULK_BATCH, state.matched - state.seen),
    );
    if (ids.length === 0) break;
    if (run.action === 'delete') await deleteBatch(ids, state, reasons);
    else await cancelOrRetryBatch(run.action, ids, admin.userId, state, reasons);
    state.batches += 1;
    state.seen += ids.length;
    state.after = ids.at(-1) ?? null;
    await run.saveCheckpoint(state);
    run.onBatch({ ...state, skipped: skippedOf(state) });
  }
  return {
    action: run.action,
    matched: state.matched,
    succeeded: state.succeeded,
    skipped: skippedOf(state),
    reasons: state.reasons.map(([reason, count]) => ({ reason, count })),
    batches: state.batches,
  };
}
