import { ForbiddenError, ValidationError } from '@/lib/errors';
import { readCreatedBound, taskIdSchema, type ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskStatus, TaskView } from '@/lib/tasks/task-view';
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
import { toTaskView } from './task-mapper';

// The one task listing: the dashboard, the REST list and the admin task list, with filters
// combined by AND and keyset pages over (created_at DESC, id DESC). Every filter column leads
// an index whose second column is created_at, so each page is one short index range scan;
// payload text goes through the trigram index tasks_payload_trgm_idx. No OFFSET, no COUNT.

/** The trigram index only serves patterns with at least one whole trigram. */
export const MIN_PAYLOAD_SEARCH_LENGTH = 3;

export interface TaskPage {
  data: TaskView[];
  nextCursor: string | null;
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

/** An admin's owner filter, a user id or an exact email, as the owner's id. */
async function resolveOwnerId(owner: string): Promise<string> {
  const value = owner.trim();
  const user = await getPrisma().user.findFirst({
    where: value.includes('@')
      ? { email: { in: [...new Set([value, value.toLowerCase()])] } }
      : { id: value },
    select: { id: true },
  });
  if (!user) {
    throw new ValidationError('No such owner.', [
      { path: 'owner', message: 'No user has this id or email.' },
    ]);
  }
  return user.id;
}

async function ownerCondition(
  user: UserPrincipal,
  owner: string | undefined,
): Promise<Prisma.Sql | null> {
  // The visibility rule of principal.ts, in SQL: users are held to their own tasks.
  const visible = visibleTasksWhere(user);
  if (visible.ownerId !== undefined) {
    // Naming an owner is an admin's filter.
    if (owner !== undefined) throw new ForbiddenError('Only admins can filter by owner.');
    return Prisma.sql`owner_id = ${visible.ownerId}`;
  }
  return owner === undefined ? null : Prisma.sql`owner_id = ${await resolveOwnerId(owner)}`;
}

function readStatuses(status: TaskListFilters['status']): TaskStatus[] {
  if (status === undefined) return [];
  return typeof status === 'string' ? [status] : [...new Set(status)];
}

async function buildConditions(
  user: UserPrincipal,
  filters: TaskListFilters,
  cursor: KeysetCursor | null,
): Promise<Prisma.Sql[]> {
  const conditions: Array<Prisma.Sql | null> = [
    await ownerCondition(user, filters.owner),
    filters.type === undefined ? null : Prisma.sql`type = ${filters.type}`,
    filters.queue === undefined ? null : Prisma.sql`queue = ${filters.queue}`,
    filters.from === undefined ? null : Prisma.sql`created_at >= ${readCreatedBound(filters.from)}`,
    filters.to === undefined ? null : Prisma.sql`created_at < ${readCreatedBound(filters.to)}`,
    filters.q === undefined ? null : readSearch(filters.q),
    // A row comparison matches the (…, created_at DESC, id DESC) indexes, so the scan starts
    // at the cursor instead of skipping the pages before it.
    cursor ? Prisma.sql`(created_at, id) < (${cursor.createdAt}, ${cursor.id}::uuid)` : null,
  ];
  return conditions.filter((condition): condition is Prisma.Sql => condition !== null);
}

/**
 * The ids of one page (plus one more, which says there is a next page), newest first. Exported
 * for the benchmark, which shows the plan Postgres picks for it.
 */
export async function buildTaskPageQuery(
  principal: UserPrincipal,
  filters: TaskListFilters,
): Promise<Prisma.Sql> {
  const cursor = filters.cursor ? decodeKeysetCursor(filters.cursor, isUuid) : null;
  const conditions = await buildConditions(principal, filters, cursor);
  const take = filters.limit + 1;
  const select = (extra: Prisma.Sql[]) => {
    const all = [...conditions, ...extra];
    return Prisma.sql`
      SELECT id, created_at FROM tasks
      WHERE ${all.length > 0 ? Prisma.join(all, ' AND ') : Prisma.sql`TRUE`}
      ORDER BY created_at DESC, id DESC
      LIMIT ${take}`;
  };
  const statuses = readStatuses(filters.status);
  if (statuses.length <= 1) {
    return select(statuses.map((status) => Prisma.sql`status = ${status}::task_status`));
  }
  // Several statuses: `status = ANY(…)` would read every row of the rarer ones and sort them.
  // One ordered, limited scan per status (tasks_status_created_idx), merged, reads a page each.
  const branches = statuses.map(
    (status) => Prisma.sql`(${select([Prisma.sql`status = ${status}::task_status`])})`,
  );
  return Prisma.sql`
    SELECT id, created_at FROM (${Prisma.join(branches, ' UNION ALL ')}) AS by_status
    ORDER BY created_at DESC, id DESC
    LIMIT ${take}`;
}

/**
 * Lists the tasks the principal may see (users their own, admins everyone's), newest first,
 * filtered: status (one or several), type, owner (admins: a user id or exact email), queue,
 * created time (`from` inclusive, `to` exclusive) and `q` (a task id, or text in the payload).
 */
export async function listTasks(principal: Principal, filters: TaskListFilters): Promise<TaskPage> {
  const user = requireUser(principal);
  const query = await buildTaskPageQuery(user, filters);
  // Raw SQL picks the page (Prisma cannot write payload::text ILIKE); Prisma reads the rows.
  const picked = await getPrisma().$queryRaw<Array<{ id: string; created_at: Date }>>(query);
  const page = picked.slice(0, filters.limit);
  if (page.length === 0) return { data: [], nextCursor: null };
  const rows = await getPrisma().task.findMany({
    where: { id: { in: page.map((row) => row.id) } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const last = page.at(-1);
  return {
    // A row deleted between the two reads drops out of the page; the cursor still holds.
    data: page.flatMap((row) => {
      const task = byId.get(row.id);
      return task ? [toTaskView(task)] : [];
    }),
    nextCursor:
      picked.length > filters.limit && last
        ? encodeKeysetCursor({ createdAt: last.created_at, id: last.id })
        : null,
  };
}

/** Admins: the emails of these owners, by id, for a page of tasks. */
export async function findOwnerEmails(
  principal: Principal,
  ownerIds: ReadonlyArray<string | null>,
): Promise<Record<string, string>> {
  requireAdmin(principal);
  const ids = [...new Set(ownerIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return {};
  const users = await getPrisma().user.findMany({
    where: { id: { in: ids } },
    select: { id: true, email: true },
  });
  return Object.fromEntries(users.map((user) => [user.id, user.email]));
}
