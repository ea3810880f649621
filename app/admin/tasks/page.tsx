import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AdminTaskTable } from '@/components/admin/tasks/admin-task-table';
import { TaskFilterForm } from '@/components/admin/tasks/task-filter-form';
import {
  FILTER_LABELS,
  TASK_LIST_PATH,
  hasFilters,
  readTaskListParams,
  taskListHref,
  type TaskListParams,
} from '@/components/admin/tasks/task-list-params';
import { RefreshButton } from '@/components/admin/refresh-button';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { isAppError, toFieldErrors, type FieldError } from '@/lib/errors';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { isAdmin, type Principal } from '@/server/auth/principal';
import { listQueueNames, listTaskTypes } from '@/server/tasks/registry';
import { listTasksWithOwners, type AdminTaskPage } from '@/server/tasks/task-search';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'All tasks · Taskdeck' };

const PAGE_SIZE = 50;

type SearchParams = Record<string, string | string[] | undefined>;

interface Problem {
  message: string;
  fieldErrors: FieldError[];
}

/** The page of tasks these filters select, or what is wrong with the filters. */
async function loadPage(
  principal: Principal,
  params: TaskListParams,
): Promise<{ page: AdminTaskPage; problem: Problem | null }> {
  const empty: AdminTaskPage = { data: [], nextCursor: null, ownerEmails: {} };
  const parsed = listTasksQuerySchema.safeParse({ ...params, limit: PAGE_SIZE });
  if (!parsed.success) {
    return {
      page: empty,
      problem: {
        message: 'These filters cannot be used.',
        fieldErrors: toFieldErrors(parsed.error.issues),
      },
    };
  }
  try {
    return { page: await listTasksWithOwners(principal, parsed.data), problem: null };
  } catch (error) {
    // A search too short, an unknown owner, a tampered cursor, a search too broad to answer in
    // time (422 search_too_broad): said, not a crash.
    if (!isAppError(error) || (error.status !== 400 && error.status !== 422)) throw error;
    const fieldErrors = 'fieldErrors' in error ? (error.fieldErrors as FieldError[]) : [];
    return { page: empty, problem: { message: error.message, fieldErrors } };
  }
}

function describeFieldError(error: FieldError): string {
  // `status.1` is the second of several statuses: name the field.
  const field = error.path.split('.')[0] ?? '';
  const label = FILTER_LABELS[field as keyof typeof FILTER_LABELS];
  return label ? `${label}: ${error.message}` : error.message;
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
        Every task of every user, newest first. Filter and search them, open one, or cancel, retry
        or delete several at once. Times are UTC.
      </PageHeading>
      <TaskFilterForm params={params} types={types} queues={listQueueNames()} />
      {problem ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
          <p className="font-medium">{problem.message}</p>
          {problem.fieldErrors.length > 0 ? (
            <ul className="mt-1 list-inside list-disc text-sm">
              {problem.fieldErrors.map((error) => (
                <li key={`${error.path}:${error.message}`}>{describeFieldError(error)}</li>
              ))}
            </ul>
          ) : null}
          <Link href={TASK_LIST_PATH} className="mt-2 inline-block text-sm font-medium underline">
            Clear filters
          </Link>
        </div>
      ) : (
        <>
          <div className="mb-3 flex justify-end">
            <RefreshButton />
          </div>
          <AdminTaskTable
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
          <nav aria-label="Pages" className="mt-3 flex justify-between text-sm">
            {params.cursor ? (
              <Link
                href={taskListHref({ ...params, cursor: undefined })}
                className="font-medium text-blue-700 hover:underline"
              >
                First page
              </Link>
            ) : (
              <span />
            )}
            {page.nextCursor ? (
              <Link
                href={taskListHref({ ...params, cursor: page.nextCursor })}
                className="font-medium text-blue-700 hover:underline"
              >
                Next page →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </div>
  );
}
