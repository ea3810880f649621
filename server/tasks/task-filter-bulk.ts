import { LimitExceededError } from '@/lib/errors';
import {
  FILTER_BULK_ACTIONS,
  FILTER_BULK_CAP,
  FILTER_BULK_ELIGIBLE,
  type FilterBulkAction,
  type FilterBulkActionInput,
  type FilterBulkPreview,
} from '@/lib/tasks/filter-bulk-inputs';
import type { ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskStatus, TaskView } from '@/lib/tasks/task-view';
import { Prisma } from '@/lib/generated/prisma/client';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import {
  countFilterBulk,
  filterBulkConditions,
  listFilterConditions,
  selectBounded,
  whereAll,
} from './filter-bulk-query';
import { BULK_AUDIT_ACTIONS } from './task-control';
import { createInternalTask } from './task-submission';
import { tasksBulk, type TasksBulkPayload } from './types/tasks-bulk';

// Admins: cancel, retry or delete every task a list filter matches. The filter is the list's
// own (same schema, same SQL conditions as task-search.ts). The preview counts here, in the
// request; the action itself is a `tasks.bulk` task (server/tasks/filter-bulk-run.ts does its
// work), so a request never holds a connection for the minute 10,000 tasks take, the admin
// watches its progress like any task's, and a lost worker's attempt goes on from its last batch.

/** The preview counts statuses over at most this many matching tasks. */
const PREVIEW_SCAN_LIMIT = 100_000;

/** How many tasks match the filter, and how many of them each action would change. */
export async function previewFilterBulk(
  principal: Principal,
  filter: ListTasksQuery,
): Promise<FilterBulkPreview> {
  const admin = requireAdmin(principal);
  const conditions = listFilterConditions(admin, filter);
  const wanted = filter.status ?? [];
  if (wanted.length > 0) conditions.push(Prisma.sql`status = ANY(${wanted}::task_status[])`);
  const rows = await selectBounded<{ status: TaskStatus; n: number }>(Prisma.sql`
    SELECT status, count(*)::int AS n
    FROM (SELECT status FROM tasks WHERE ${whereAll(conditions)} LIMIT ${PREVIEW_SCAN_LIMIT + 1}) AS m
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

/** The filter as the bulk task's payload keeps it: parsed, without the page fields. */
function toStoredFilter(filter: ListTasksQuery): TasksBulkPayload['filter'] {
  const { cursor: _cursor, limit: _limit, ...kept } = filter;
  return Object.fromEntries(
    Object.entries(kept).filter(([, value]) => value !== undefined),
  ) as TasksBulkPayload['filter'];
}

/**
 * Admins: starts the action over every task the filter matches and the action applies to, as a
 * `tasks.bulk` task of theirs; refused (422) when more than FILTER_BULK_CAP would be changed.
 * Audited once, with the filter, the count and the task.
 */
export async function startFilterBulkAction(
  principal: Principal,
  input: FilterBulkActionInput,
  context: AuditContext,
): Promise<TaskView> {
  const admin = requireAdmin(principal);
  const { action, filter } = input;
  const conditions = filterBulkConditions(admin, filter, FILTER_BULK_ELIGIBLE[action]);
  const matched = await countFilterBulk(conditions, FILTER_BULK_CAP);
  if (matched > FILTER_BULK_CAP) {
    throw new LimitExceededError(
      `More than ${FILTER_BULK_CAP.toLocaleString('en')} tasks match; narrow the filter (a type, a status or a time range) and repeat.`,
      [{ path: 'filter', message: `At most ${FILTER_BULK_CAP} tasks per request.` }],
    );
  }
  const stored = toStoredFilter(filter);
  const payload: TasksBulkPayload = { action, filter: stored };
  const task = await createInternalTask(tasksBulk.name, admin.userId, payload);
  await recordAudit(admin, BULK_AUDIT_ACTIONS[action], { type: 'task', id: task.id }, context, {
    filter: stored,
    matched,
  });
  return task;
}
