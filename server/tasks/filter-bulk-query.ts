import { SearchTooBroadError } from '@/lib/errors';
import type { ListTasksQuery } from '@/lib/tasks/task-inputs';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { Prisma } from '@/lib/generated/prisma/client';
import type { UserPrincipal } from '@/server/auth/principal';
import { isQueryCanceled, runTimedStatement } from '@/server/db/timed-statement';
import { buildFilterConditions } from './task-search';

// The SQL a bulk action over a filter selects with: the list's own conditions
// (task-search.ts), so the bulk reaches exactly the tasks the admin's list shows.

/** Each selecting statement's bound; the list's own 200 ms is for one page, not 500 ids. */
const STATEMENT_TIMEOUT_MS = 5_000;

/** A list filter, what a bulk action acts over: its page fields, if any, are ignored. */
export type BulkFilter = Omit<ListTasksQuery, 'cursor' | 'limit'> &
  Partial<Pick<ListTasksQuery, 'cursor' | 'limit'>>;

/** The list filter's conditions, without its status (each caller decides the statuses). */
export function listFilterConditions(admin: UserPrincipal, filter: BulkFilter): Prisma.Sql[] {
  // Admins' lists show follow-ups too (listTasksWithOwners), so the bulk reaches them alike.
  const { cursor: _cursor, limit: _limit, status: _status, ...rest } = filter;
  return buildFilterConditions(
    admin,
    rest.parent === undefined ? { ...rest, include: 'children' } : rest,
  );
}

/** The filter's conditions, limited to the statuses an action applies to that it asks for. */
export function filterBulkConditions(
  admin: UserPrincipal,
  filter: BulkFilter,
  eligible: readonly TaskStatus[],
): Prisma.Sql[] {
  const wanted = filter.status ?? [];
  const statuses =
    wanted.length === 0 ? [...eligible] : eligible.filter((status) => wanted.includes(status));
  return [
    ...listFilterConditions(admin, filter),
    statuses.length > 0 ? Prisma.sql`status = ANY(${statuses}::task_status[])` : Prisma.sql`FALSE`,
  ];
}

export const whereAll = (conditions: Prisma.Sql[]) =>
  conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;

export async function selectBounded<Row>(query: Prisma.Sql): Promise<Row[]> {
  try {
    return await runTimedStatement<Row>(query, STATEMENT_TIMEOUT_MS);
  } catch (error) {
    if (isQueryCanceled(error)) throw new SearchTooBroadError(undefined, { cause: error });
    throw error;
  }
}

/** How many tasks match, counted up to `limit + 1` (enough to tell "over the cap"). */
export async function countFilterBulk(conditions: Prisma.Sql[], limit: number): Promise<number> {
  const [counted] = await selectBounded<{ n: number }>(Prisma.sql`
    SELECT count(*)::int AS n
    FROM (SELECT 1 FROM tasks WHERE ${whereAll(conditions)} LIMIT ${limit + 1}) AS m`);
  return counted?.n ?? 0;
}

/** The next batch's ids, in id order. */
export async function selectForBulk(conditions: Prisma.Sql[], limit: number): Promise<string[]> {
  const rows = await selectBounded<{ id: string }>(Prisma.sql`
    SELECT id FROM tasks WHERE ${whereAll(conditions)} ORDER BY id LIMIT ${limit}`);
  return rows.map((row) => row.id);
}
