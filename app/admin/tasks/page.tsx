import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import {
  describeFieldErrors,
  parseListParams,
  type SearchParams,
} from '@/components/admin/filtered-list/list-params';
import { FilterProblem, PageLinks } from '@/components/admin/filtered-list/list-notices';
import { LiveAdminTaskTable } from '@/components/admin/tasks/live-admin-task-table';
import { FilterBulkActions } from '@/components/admin/tasks/filter-bulk-actions';
import { TaskFilterForm } from '@/components/admin/tasks/task-filter-form';
import {
  FILTER_LABELS,
  TASK_LIST_PATH,
  hasFilters,
  readTaskListParams,
  taskListHref,
  type TaskListParams,
} from '@/components/admin/tasks/task-list-params';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { isAppError, type FieldError } from '@/lib/errors';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { isAdmin, type Principal } from '@/server/auth/principal';
import { listQueueNames, listTaskTypes } from '@/server/tasks/registry';
import { listTasksWithOwners, type AdminTaskPage } from '@/server/tasks/task-search';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'All tasks · Taskdeck' };

const PAGE_SIZE = 50;

interface Problem {
  message: string;
  /** Each bad filter, named by its label. */
  problems: string[];
}

/** The page of tasks these filters select, or what is wrong with the filters. */
async function loadPage(
  principal: Principal,
  params: TaskListParams,
): Promise<{ page: AdminTaskPage; problem: Problem | null }> {
  const empty: AdminTaskPage = { data: [], nextCursor: null, ownerEmails: {} };
  const parsed = parseListParams(
    listTasksQuerySchema,
    { ...params, limit: PAGE_SIZE },
    FILTER_LABELS,
  );
  if (!parsed.ok) {
    return {
      page: empty,
      problem: { message: 'These filters cannot be used.', problems: parsed.problems },
    };
  }
  try {
    return { page: await listTasksWithOwners(principal, parsed.query), problem: null };
  } catch (error) {
    // A search too short, an unknown owner, a tampered cursor, a search too broad to answer in
    // time (422 search_too_broad): said, not a crash.
    if (!isAppError(error) || (error.status !== 400 && error.status !== 422)) throw error;
    const fieldErrors = 'fieldErrors' in error ? (error.fieldErrors as FieldError[]) : [];
    return {
      page: empty,
      problem: {
        message: error.message,
        problems: describeFieldErrors(fieldErrors, FILTER_LABELS),
      },
    };
  }
}

export default async function AdminTasksPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const params = readTaskListParams(await searchParams);
  const { page, problem } = await loadPage(principal, params);
  const types = listTaskTypes().map((type) => ({ name: type.name, title: type.title }));
  const filtered = hasFilters(params);

  return (
    <div>
      <PageHeading title="All tasks">
        Every task of every user, newest first, live. Filter and search them, open one, or cancel,
        retry or delete several at once.
      </PageHeading>
      <TaskFilterForm params={params} types={types} queues={listQueueNames()} />
      {problem ? (
        <FilterProblem
          title={problem.message}
          problems={problem.problems}
          clearHref={TASK_LIST_PATH}
          clearText="Clear filters"
        />
      ) : (
        <>
          <FilterBulkActions
            filter={{ ...params, cursor: undefined }}
            actions={['cancel', 'retry', 'delete']}
            scopeText={filtered ? 'all tasks that match these filters' : 'all tasks'}
            hasMatches={page.data.length > 0}
          />
          <LiveAdminTaskTable
            filter={params}
            firstPage={!params.cursor}
            tasks={page.data}
            ownerEmails={page.ownerEmails}
            empty={
              <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
                <p className="font-medium">
                  {filtered ? 'No tasks match these filters' : 'No tasks yet'}
                </p>
                {filtered ? (
                  <Link
                    href={TASK_LIST_PATH}
                    className="mt-2 inline-block text-sm font-medium text-blue-700 hover:underline"
                  >
                    Clear filters
                  </Link>
                ) : (
                  <p className="mt-1 text-sm text-slate-500">
                    Tasks show up here as soon as anyone submits one.
                  </p>
                )}
              </div>
            }
          />
          <PageLinks
            firstHref={params.cursor ? taskListHref({ ...params, cursor: undefined }) : null}
            firstText="First page"
            nextHref={page.nextCursor ? taskListHref({ ...params, cursor: page.nextCursor }) : null}
            nextText="Next page →"
          />
        </>
      )}
    </div>
  );
}
