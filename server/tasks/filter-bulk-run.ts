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
import type { TaskStatus } from '@/lib/tasks/task-view';
import { forEachBounded } from '@/lib/for-each-bounded';
import { Prisma, type Task } from '@/lib/generated/prisma/client';
import type { UserPrincipal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { applyTaskAction, bulkReasonMark } from './task-control';
import { deleteFinishedTasks } from './task-deletion';
import {
  countFilterBulk,
  filterBulkConditions,
  selectForBulk,
  type BulkFilter,
} from './filter-bulk-query';

// The work of one `tasks.bulk` task (server/tasks/types/tasks-bulk.ts): the action over every
// task its filter matches, in batches in id order (keyset: each batch starts after the last id
// of the one before). Each task goes through the same transition as a single cancel or retry,
// which checks the status it was read in: a task a worker moved meanwhile is skipped with its
// reason, never acted on twice. Each batch's ids are saved as the task's checkpoint before it
// is worked, and the position and the counts after it: an attempt after a lost worker settles
// the batch the lost one was in (what it had done is found by the bulk task's mark on the
// transition's reason, counted and left alone; the rest is done now), then goes on after it.

const FILTER_BULK_BATCH = 500;
/** Tasks of one batch changed at once: their transitions share group commits. */
const LANES = 8;

const checkpointSchema = z.object({
  matched: z.number().int().min(0),
  seen: z.number().int().min(0),
  after: z.string().nullable(),
  succeeded: z.number().int().min(0),
  batches: z.number().int().min(0),
  /** Why tasks were skipped, with how many each. */
  reasons: z.record(z.string(), z.number().int()),
  /** The batch being worked when this was saved: an attempt that finds one settles it first. */
  batch: z.array(z.string()).nullable().default(null),
});
type BulkCheckpoint = z.infer<typeof checkpointSchema>;

export interface FilterBulkRun {
  /** The bulk task itself, which a filter may match (cancel over running tasks): never acted on. */
  taskId: string;
  action: FilterBulkAction;
  filter: BulkFilter;
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

function skip(state: BulkCheckpoint, reason: string): void {
  // Own keys only: a reason is a message, and must never read what the prototype holds.
  const count = Object.hasOwn(state.reasons, reason) ? (state.reasons[reason] ?? 0) : 0;
  state.reasons[reason] = count + 1;
}

async function cancelOrRetryBatch(
  action: 'cancel' | 'retry',
  ids: readonly string[],
  run: { actorId: string; taskId: string },
  state: BulkCheckpoint,
): Promise<void> {
  const tasks = await getPrisma().task.findMany({ where: { id: { in: [...ids] } } });
  const eligible = new Set<string>(FILTER_BULK_ELIGIBLE[action]);
  for (let missing = ids.length - tasks.length; missing > 0; missing -= 1)
    skip(state, 'deleted meanwhile');
  await forEachBounded(tasks, LANES, async (task: Task) => {
    // Moved on since it was selected (a worker finished it): the action no longer applies.
    if (!eligible.has(task.status)) return skip(state, `now ${task.status}`);
    try {
      await applyTaskAction(action, task, run.actorId, run.taskId);
      state.succeeded += 1;
    } catch (error) {
      if (!(
        error instanceof ConflictError ||
        error instanceof NotFoundError ||
        error instanceof ServiceUnavailableError
      ))
        throw error;
      skip(state, error.message);
    }
  });
}

async function deleteBatch(ids: readonly string[], state: BulkCheckpoint): Promise<void> {
  const { deleted, kept } = await deleteFinishedTasks(ids);
  state.succeeded += deleted.size;
  for (const id of ids) {
    if (!deleted.has(id)) skip(state, kept.get(id) ?? 'deleted meanwhile');
  }
}

/**
 * The ids of a batch a lost attempt was working that it had already done: for a cancel or a
 * retry, those with a transition carrying this bulk task's mark; for a delete, those gone.
 */
async function findDoneByLostAttempt(
  action: FilterBulkAction,
  ids: readonly string[],
  taskId: string,
): Promise<Set<string>> {
  if (action === 'delete') {
    const left = await getPrisma().task.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true },
    });
    const present = new Set(left.map((row) => row.id));
    return new Set(ids.filter((id) => !present.has(id)));
  }
  const marked = await getPrisma().taskTransition.findMany({
    where: { taskId: { in: [...ids] }, reason: { endsWith: bulkReasonMark(taskId) } },
    select: { taskId: true },
  });
  return new Set(marked.map((row) => row.taskId));
}

async function workBatch(
  run: FilterBulkRun,
  admin: UserPrincipal,
  ids: readonly string[],
  state: BulkCheckpoint,
): Promise<void> {
  if (run.action === 'delete') await deleteBatch(ids, state);
  else {
    const actor = { actorId: admin.userId, taskId: run.taskId };
    await cancelOrRetryBatch(run.action, ids, actor, state);
  }
}

async function finishBatch(run: FilterBulkRun, state: BulkCheckpoint, ids: string[]) {
  state.batches += 1;
  state.seen += ids.length;
  state.after = ids.at(-1) ?? state.after;
  state.batch = null;
  await run.saveCheckpoint(state);
  run.onBatch({ ...state, skipped: skippedOf(state) });
}

const skippedOf = (state: BulkCheckpoint) =>
  Object.values(state.reasons).reduce((total, count) => total + count, 0);

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
        reasons: {},
        batch: null,
      };
  if (state.batch && state.batch.length > 0) {
    // The lost attempt's batch: what it did is counted, not done again; the rest is done now.
    const ids = state.batch;
    const done = await findDoneByLostAttempt(run.action, ids, run.taskId);
    state.succeeded += done.size;
    await workBatch(
      run,
      admin,
      ids.filter((id) => !done.has(id)),
      state,
    );
    await finishBatch(run, state, ids);
  }
  while (state.seen < state.matched) {
    run.signal.throwIfAborted();
    const keyset = state.after ? [Prisma.sql`id > ${state.after}::uuid`] : [];
    const ids = await selectForBulk(
      [...conditions, ...keyset],
      Math.min(FILTER_BULK_BATCH, state.matched - state.seen),
    );
    if (ids.length === 0) break;
    state.batch = ids;
    await run.saveCheckpoint(state);
    await workBatch(run, admin, ids, state);
    await finishBatch(run, state, ids);
  }
  return {
    action: run.action,
    matched: state.matched,
    succeeded: state.succeeded,
    skipped: skippedOf(state),
    reasons: Object.entries(state.reasons).map(([reason, count]) => ({ reason, count })),
    batches: state.batches,
  };
}
