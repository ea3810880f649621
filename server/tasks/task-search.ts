import { getEnv } from '@/lib/env';
import { ForbiddenError, SearchTooBroadError, ValidationError } from '@/lib/errors';
import { readCreatedBound, taskIdSchema, type ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskPage, TaskStatus } from '@/lib/tasks/task-view';
import { Prisma } from '@/lib/generated/prisma/client';
import {
  requireAdmin,
  requireUser,
  visibleTasksWhere,
  type Principal,
  type UserPrincipal,
} from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import {
  decodeKeysetCursor,
  encodeKeysetCursor,
  type KeysetCursor,
} from '@/server/db/keyset-cursor';
import { isQueryCanceled, runTimedStatement } from '@/server/db/timed-statement';
import { taskViewColumns, taskViewFields, toTaskViews, type TaskListRow } from './task-list-rows';

// The one task listing: the dashboard, the REST list and the admin task list, with filters
// combined by AND and keyset pages over (created_at DESC, id DESC). Every filter column leads
// an index whose second column is created_at (type with queue: tasks_type_queue_created_idx),
// so each page is one short index range scan; payload text goes through the trigram index
// tasks_payload_trgm_idx. One statement per page, no OFFSET, no COUNT, no read-back; a
// combination that would still read too much is stopped by the statement timeout.

/** The trigram index only serves patterns with at least one whole trigram. */
export const MIN_PAYLOAD_SEARCH_LENGTH = 3;

export type { TaskPage };

export interface AdminTaskPage extends TaskPage {
  ownerEmails: Record<string, string>;
}

/** The service's input: the parsed REST query, or the same written by hand in server code. */
export type TaskListFilters = Omit<ListTasksQuery, 'status' | 'limit'> & {
  status?: TaskStatus | readonly TaskStatus[];
  limit: number;
};

const isUuid = (value: string) => taskIdSchema.safeParse(value).success;

/** `%`, `_` and the escape character itself match literally. */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function readSearch(q: string): Prisma.Sql {
  const text = q.trim();
  if (isUuid(text)) return Prisma.sql`id = ${text.toLowerCase()}::uuid`;
  if (text.length < MIN_PAYLOAD_SEARCH_LENGTH) {
    throw new ValidationError('The search is too short.', [
      {
        path: 'q',
        message: `Search for at least ${MIN_PAYLOAD_SEARCH_LENGTH} characters, or a whole task id.`,
      },
    ]);
  }
  // Written exactly as the index expression, so the planner can use tasks_payload_trgm_idx.
  return Prisma.sql`payload::text ILIKE ${`%${escapeLikePattern(text)}%`}`;
}

/** An admin's owner filter, a user id or an exact email, as SQL naming the owner's id. */
function ownerIdSql(owner: string): Prisma.Sql {
  const value = owner.trim();
  if (!value.includes('@')) return Prisma.sql`${value}`;
  const emails = [...new Set([value, value.toLowerCase()])];
  // Resolved inside the page statement (an init plan, run once), not by a query before it.
  return Prisma.sql`(SELECT id FROM users WHERE email = ANY(${emails}::text[]) LIMIT 1)`;
}

/** Only asked when a page filtered by owner came back empty: was the owner itself unknown? */
async function assertOwnerExists(owner: string): Promise<void> {
  const [found] = await getPrisma().$queryRaw<unknown[]>(
    Prisma.sql`SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM users WHERE id = ${ownerIdSql(owner)})`,
  );
  if (!found) {
    throw new ValidationError('No such owner.', [
      { path: 'owner', message: 'No user has this id or email.' },
    ]);
  }
}

function ownerCondition(user: UserPrincipal, owner: string | undefined): Prisma.Sql | null {
  // The visibility rule of principal.ts, in SQL: users are held to their own tasks.
  const visible = visibleTasksWhere(user);
  if (visible.ownerId !== undefined) {
    // Naming an owner is an admin's filter.
    if (owner !== undefined) throw new ForbiddenError('Only admins can filter by owner.');
    return Prisma.sql`owner_id = ${visible.ownerId}`;
  }
  return owner === undefined ? null : Prisma.sql`owner_id = ${ownerIdSql(owner)}`;
}

/**
 * Follow-ups are listed under their parent (its page, `parent=`), not as rows of their own,
 * unless asked for (`include=children`). `parent = X` is a range of tasks_parent_created_idx;
 * `IS NULL` filters the created_at index scan the other conditions pick (an IS NULL key would
 * not keep created_at order), skipping one row per follow-up.
 */
function familyCondition(filters: TaskListFilters): Prisma.Sql | null {
  if (filters.parent !== undefined) return Prisma.sql`parent_task_id = ${filters.parent}::uuid`;
  if (filters.include === 'children') return null;
  return Prisma.sql`parent_task_id IS NULL`;
}

function readStatuses(status: TaskListFilters['status']): TaskStatus[] {
  if (status === undefined) return [];
  return typeof status === 'string' ? [status] : [...new Set(status)];
}

function buildConditions(
  user: UserPrincipal,
  filters: TaskListFilters,
  cursor: KeysetCursor | null,
): Prisma.Sql[] {
  const conditions: Array<Prisma.Sql | null> = [
    ownerCondition(user, filters.owner),
    filters.type === undefined ? null : Prisma.sql`type = ${filters.type}`,
    filters.queue === undefined ? null : Prisma.sql`queue = ${filters.queue}`,
    filters.from === undefined ? null : Prisma.sql`created_at >= ${readCreatedBound(filters.from)}`,
    filters.to === undefined ? null : Prisma.sql`created_at < ${readCreatedBound(filters.to)}`,
    // A filter of the created_at scan: finished rows are the ones a status filter picks anyway.
    filters.finishedFrom === undefined
      ? null
      : Prisma.sql`finished_at >= ${readCreatedBound(filters.finishedFrom)}`,
    filters.finishedTo === undefined
      ? null
      : Prisma.sql`finished_at < ${readCreatedBound(filters.finishedTo)}`,
    filters.q === undefined ? null : readSearch(filters.q),
    familyCondition(filters),
    // A row comparison matches the (…, created_at DESC, id DESC) indexes, so the scan starts
    // at the cursor instead of skipping the pages before it.
    cursor ? Prisma.sql`(created_at, id) < (${cursor.createdAt}, ${cursor.id}::uuid)` : null,
  ];
  return conditions.filter((condition): condition is Prisma.Sql => condition !== null);
}

/**
 * A filter's conditions with no page and no status (the caller intersects statuses with its
 * own): the bulk actions over a filter (task-filter-bulk.ts) select with these.
 */
export function buildFilterConditions(
  user: UserPrincipal,
  filters: Omit<TaskListFilters, 'status' | 'cursor' | 'limit'>,
): Prisma.Sql[] {
  return buildConditions(user, { ...filters, limit: 1 }, null);
}

export interface TaskPageOptions {
  /** Admins: each row's owner email, joined in the same statement. */
  withOwnerEmails?: boolean;
}

/**
 * The one statement of a page: its tasks (plus one more, which says there is a next page),
 * newest first, as view-shaped rows. Exported for the benchmark, which runs it raw.
 */
export function buildTaskPageQuery(
  principal: UserPrincipal,
  filters: TaskListFilters,
  options: TaskPageOptions = {},
): Prisma.Sql {
  const cursor = filters.cursor ? decodeKeysetCursor(filters.cursor, isUuid) : null;
  const conditions = buildConditions(principal, filters, cursor);
  const take = filters.limit + 1;
  const select = (extra: Prisma.Sql[]) => {
    const all = [...conditions, ...extra];
    return Prisma.sql`
      SELECT ${taskViewColumns('t')} FROM tasks t
      WHERE ${all.length > 0 ? Prisma.join(all, ' AND ') : Prisma.sql`TRUE`}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT ${take}`;
  };
  const statuses = readStatuses(filters.status);
  // Several statuses: `status = ANY(…)` would read every row of the rarer ones and sort them.
  // One ordered, limited scan per status (tasks_status_created_idx), merged, reads a page each.
  const page =
    statuses.length <= 1
      ? select(statuses.map((status) => Prisma.sql`status = ${status}::task_status`))
      : Prisma.sql`
          SELECT * FROM (${Prisma.join(
            statuses.map(
              (status) => Prisma.sql`(${select([Prisma.sql`status = ${status}::task_status`])})`,
            ),
            ' UNION ALL ',
          )}) AS by_status
          ORDER BY "createdAt" DESC, id DESC
          LIMIT ${take}`;
  if (!options.withOwnerEmails) return page;
  // Joined after the limit: one primary-key lookup per row of the page.
  return Prisma.sql`
    SELECT ${taskViewFields('p')}, u.email AS "ownerEmail"
    FROM (${page}) AS p LEFT JOIN users u ON u.id = p."ownerId"
    ORDER BY p."createdAt" DESC, p.id DESC`;
}

/** Runs a page statement under the list timeout; a timeout becomes SearchTooBroadError. */
async function readPage(query: Prisma.Sql): Promise<TaskListRow[]> {
  try {
    return await runTimedStatement<TaskListRow>(query, getEnv().TASK_LIST_STATEMENT_TIMEOUT_MS);
  } catch (error) {
    if (isQueryCanceled(error)) throw new SearchTooBroadError(undefined, { cause: error });
    throw error;
  }
}

async function listPage(
  principal: Principal,
  filters: TaskListFilters,
  options: TaskPageOptions,
): Promise<{ rows: TaskListRow[]; nextCursor: string | null }> {
  const user = requireUser(principal);
  const picked = await readPage(buildTaskPageQuery(user, filters, options));
  const rows = picked.slice(0, filters.limit);
  if (rows.length === 0 && filters.owner !== undefined) await assertOwnerExists(filters.owner);
  const last = rows.at(-1);
  return {
    rows,
    nextCursor:
      picked.length > filters.limit && last
        ? encodeKeysetCursor({ createdAt: last.createdAt, id: last.id })
        : null,
  };
}

/**
 * Lists the tasks the principal may see (users their own, admins everyone's), newest first,
 * filtered: status (one or several), type, owner (admins: a user id or exact email), queue,
 * created time (`from` inclusive, `to` exclusive), finished time (`finishedFrom`, `finishedTo`)
 * and `q` (a task id, or text in the payload).
 * One statement per page, stopped after TASK_LIST_STATEMENT_TIMEOUT_MS (SearchTooBroadError).
 */
export async function listTasks(principal: Principal, filters: TaskListFilters): Promise<TaskPage> {
  const { rows, nextCursor } = await listPage(principal, filters, {});
  return { data: toTaskViews(rows), nextCursor };
}

/**
 * Admins: the same page, with the email of each task's owner by owner id. Every task, the
 * follow-ups included (each row says whose child it is), unless filtered to one parent's.
 */
export async function listTasksWithOwners(
  principal: Principal,
  filters: TaskListFilters,
): Promise<AdminTaskPage> {
  requireAdmin(principal);
  const { rows, nextCursor } = await listPage(
    principal,
    filters.parent === undefined ? { ...filters, include: 'children' } : filters,
    { withOwnerEmails: true },
  );
  const ownerEmails: Record<string, string> = {};
  for (const row of rows) {
    if (row.ownerId !== null && row.ownerEmail) ownerEmails[row.ownerId] = row.ownerEmail;
  }
  return { data: toTaskViews(rows), nextCursor, ownerEmails };
}
