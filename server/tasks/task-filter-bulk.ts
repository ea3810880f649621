import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  SearchTooBroadError,
  ServiceUnavailableError,
} from '@/lib/errors';
import {
  FILTER_BULK_ACTIONS,
  FILTER_BULK_CAP,
  FILTER_BULK_ELIGIBLE,
  type FilterBulkAction,
  type FilterBulkActionInput,
  type FilterBulkPreview,
  type FilterBulkResult,
} from '@/lib/tasks/filter-bulk-inputs';
import type { ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { forEachBounded } from '@/lib/for-each-bounded';
import { Prisma, type Task } from '@/lib/generated/prisma/client';
import { requireAdmin, type Principal, type UserPrincipal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { isQueryCanceled, runTimedStatement } from '@/server/db/timed-statement';
import { getPrisma } from '@/server/infra/clients';
import { applyTaskAction, BULK_AUDIT_ACTIONS } from './task-control';
import { deleteFinishedTasks } from './task-deletion';
import { buildFilterConditions } from './task-search';

// Admins: cancel, retry or delete every task a list filter matches. The filter is the list's
// own (same schema, same SQL conditions as task-search.ts); the tasks are taken in batches in
// id order (keyset: each batch starts after the last id of the one before), and each one goes
// through the same transition as a single cancel or retry, which checks the status it was read
// in: a task a worker moved meanwhile is skipped with its reason, never acted on twice. A
// repeat finds only what is still eligible, so it is idempotent.

export const FILTER_BULK_BATCH = 500;
/** Tasks of one batch changed at once: their transitions share group commits. */
const LANES = 8;
/** Each selecting statement's bound; the list's own 200 ms is for one page, not 500 ids. */
const STATEMENT_TIMEOUT_MS = 5_000;
/** The preview counts statuses over at most this many matching tasks. */
const PREVIEW_SCAN_LIMIT = 100_000;

type Filter = ListTasksQuery;

/** The filter's statuses (all if none) that the action applies to, intersected. */
function statusesFor(filter: Filter, eligible: readonly TaskStatus[]): TaskStatus[] {
  const wanted = filter.status ?? [];
  return wanted.length === 0 ? [...eligible] : eligible.filter((status) => wanted.includes(status));
}

function conditionsOf(admin: UserPrincipal, filter: Filter): Prisma.Sql[] {
  // Admins' lists show follow-ups too (listTasksWithOwners), so the bulk reaches them alike.
  const { cursor: _cursor, limit: _limit, status: _status, ...rest } = filter;
  return buildFilterConditions(
    admin,
    rest.parent === undefined ? { ...rest, include: 'children' } : rest,
  );
}

const where = (conditions: Prisma.Sql[]) =>
  conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;

async function select<Row>(query: Prisma.Sql): Promise<Row[]> {
  try {
    return await runTimedStatement<Row>(query, STATEMENT_TIMEOUT_MS);
  } catch (error) {
    if (isQueryCanceled(error)) throw new SearchTooBroadError(undefined, { cause: error });
    throw error;
  }
}

/** How many tasks match the filter, and how many of them each action would change. */
export async function previewFilterBulk(
  principal: Principal,
  filter: Filter,
): Promise<FilterBulkPreview> {
  const admin = requireAdmin(principal);
  const conditions = conditionsOf(admin, filter);
  const wanted = filter.status ?? [];
  if (wanted.length > 0) conditions.push(Prisma.sql`status = ANY(${wanted}::task_status[])`);
  const rows = await select<{ status: TaskStatus; n: number }>(Prisma.sql`
    SELECT status, count(*)::int AS n
    FROM (SELECT status FROM tasks WHERE ${where(conditions)} LIMIT ${PREVIEW_SCAN_LIMIT + 1}) AS m
    GROUP BY status`);
  const byStatus = new Map(rows.map((row) => [row.status, row.n]));
  const sum = (statuses: readonly TaskStatus[]) =>
    statuses.reduce((total, status) => total + (byStatus.get(status) ?? 0), 0);
  const matching = rows.reduce((total, row) => total + row.n, 0);
  const actionable = Object.fromEntries(
    FILTER_BULK_ACTIONS.map((action) => [action, sum(FILTER_BULK_ELIGIBLE[action])]),
  ) as Record<FilterBulkAction, number>;
  return {
    matching: Math.min(matching, PREVIEW_SCAN_LIMIT),
    exact: matching <= PREVIEW_SCAN_LIMIT,
    actionable,
    cap: FILTER_BULK_CAP,
  };
}

interface Tally {
  succeeded: number;
  reasons: Map<string, number>;
}

function skip(tally: Tally, reason: string): void {
  tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
}

async function cancelOrRetryBatch(
  action: 'cancel' | 'retry',
  ids: readonly string[],
  actorId: string,
  tally: Tally,
): Promise<void> {
  const tasks = await getPrisma().task.findMany({ where: { id: { in: [...ids] } } });
  const eligible = new Set<string>(FILTER_BULK_ELIGIBLE[action]);
  // Deleted since the batch was selected: nothing to do.
  for (let missing = ids.length - tasks.length; missing > 0; missing -= 1)
    skip(tally, 'deleted meanwhile');
  await forEachBounded(tasks, LANES, async (task: Task) => {
    // Moved on since it was selected (a worker finished it): the action no longer applies.
    if (!eligible.has(task.status)) return skip(tally, `now ${task.status}`);
    try {
      await applyTaskAction(action, task, actorId);
      tally.succeeded += 1;
    } catch (error) {
      if (!(
        error instanceof ConflictError ||
        error instanceof NotFoundError ||
        error instanceof ServiceUnavailableError
      ))
        throw error;
      skip(tally, error.message);
    }
  });
}

async function deleteBatch(ids: readonly string[], tally: Tally): Promise<void> {
  const { deleted, kept } = await deleteFinishedTasks(ids);
  tally.succeeded += deleted.size;
  for (const id of ids) if (!deleted.has(id)) skip(tally, kept.get(id) ?? 'deleted meanwhile');
}

/**
 * Admins: applies the action to every task the filter matches and the action applies to, in
 * batches of FILTER_BULK_BATCH; refused (422) when more than FILTER_BULK_CAP would be changed.
 * Audited once, with the filter and the counts.
 */
export async function runFilterBulkAction(
  principal: Principal,
  input: FilterBulkActionInput,
  context: AuditContext,
): Promise<FilterBulkResult> {
  const admin = requireAdmin(principal);
  const { action, filter } = input;
  const statuses = statusesFor(filter, FILTER_BULK_ELIGIBLE[action]);
  const conditions = [
    ...conditionsOf(admin, filter),
    Prisma.sql`status = ANY(${statuses}::task_status[])`,
  ];
  const [counted] = await select<{ n: number }>(Prisma.sql`
    SELECT count(*)::int AS n
    FROM (SELECT 1 FROM tasks WHERE ${where(conditions)} LIMIT ${FILTER_BULK_CAP + 1}) AS m`);
  const matched = statuses.length === 0 ? 0 : (counted?.n ?? 0);
  if (matched > FILTER_BULK_CAP) {
    throw new LimitExceededError(
      `More than ${FILTER_BULK_CAP.toLocaleString('en')} tasks match; narrow the filter (a type, a status or a time range) and repeat.`,
      [{ path: 'filter', message: `At most ${FILTER_BULK_CAP} tasks per request.` }],
    );
  }
  const tally: Tally = { succeeded: 0, reasons: new Map() };
  let batches = 0;
  let after: string | null = null;
  let seen = 0;
  // Bounded by what was counted: tasks that start to match meanwhile wait for a repeat.
  while (matched > 0 && seen < matched) {
    const keyset: Prisma.Sql[] = after ? [Prisma.sql`id > ${after}::uuid`] : [];
    const rows: Array<{ id: string }> = await select<{ id: string }>(Prisma.sql`
      SELECT id FROM tasks WHERE ${where([...conditions, ...keyset])}
      ORDER BY id LIMIT ${Math.min(FILTER_BULK_BATCH, matched - seen)}`);
    if (rows.length === 0) break;
    const ids = rows.map((row) => row.id);
    if (action === 'delete') await deleteBatch(ids, tally);
    else await cancelOrRetryBatch(action, ids, admin.userId, tally);
    batches += 1;
    seen += ids.length;
    after = ids.at(-1) ?? null;
  }
  const skipped = [...tally.reasons.values()].reduce((total, count) => total + count, 0);
  const { cursor: _cursor, limit: _limit, ...recordedFilter } = filter;
  await recordAudit(admin, BULK_AUDIT_ACTIONS[action], null, context, {
    filter: recordedFilter,
    matched,
    succeeded: tally.succeeded,
    skipped,
    batches,
  });
  return {
    action,
    matched,
    succeeded: tally.succeeded,
    skipped,
    reasons: [...tally.reasons].map(([reason, count]) => ({ reason, count })),
    batches,
  };
}
