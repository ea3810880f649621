import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RefreshButton } from '@/components/admin/refresh-button';
import { AdminTaskTable } from '@/components/admin/tasks/admin-task-table';
import { getPagePrincipal } from '@/components/current-principal';
import { PageHeading } from '@/components/page-heading';
import { isAppError } from '@/lib/errors';
import { isAdmin } from '@/server/auth/principal';
import { listUsers } from '@/server/auth/user-service';
import { listTasks, type TaskPage } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dead letters · Taskdeck' };

const PAGE_SIZE = 50;

type SearchParams = Record<string, string | string[] | undefined>;

export default async function DeadLettersPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const raw = (await searchParams).cursor;
  const cursor = (Array.isArray(raw) ? raw[0] : raw) || undefined;

  let page: TaskPage = { data: [], nextCursor: null };
  let problem: string | null = null;
  try {
    // Failed is final: a task fails only after its last attempt, so these are the dead letters.
    page = await listTasks(principal, { status: 'failed', limit: PAGE_SIZE, cursor });
  } catch (error) {
    // A tampered cursor, a page its statement timeout stopped: say so, like the audit log does.
    if (!isAppError(error) || (error.status !== 400 && error.status !== 422)) throw error;
    problem = error.message;
  }
  const users = await listUsers(principal);
  const ownerEmails = Object.fromEntries(users.map((user) => [user.id, user.email]));

  return (
    <div>
      <PageHeading title="Dead letters">
        Tasks that failed after their last attempt, newest first, with their errors. Retry them once
        the cause is fixed: each gets a fresh set of attempts, its history kept. Times are UTC.
      </PageHeading>
      <div className="mb-3 flex justify-end">
        <RefreshButton />
      </div>
      {problem ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
          <p className="font-medium">This page link cannot be used: {problem}</p>
          <Link href="/admin/dead-letters" className="mt-2 inline-block text-sm underline">
            Show the newest dead letters
          </Link>
        </div>
      ) : (
        <AdminTaskTable
          view="dead-letters"
          tasks={page.data}
          ownerEmails={ownerEmails}
          empty={
            <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
              <p className="font-medium">No dead letters</p>
              <p className="mt-1 text-sm text-slate-500">
                Tasks that fail after their last attempt show up here, to be looked at and retried.
              </p>
            </div>
          }
        />
      )}
      <div className="mt-3 flex justify-between text-sm">
        {cursor ? (
          <Link href="/admin/dead-letters" className="font-medium text-blue-700 hover:underline">
            Newest dead letters
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor ? (
          <Link
            href={`/admin/dead-letters?cursor=${encodeURIComponent(page.nextCursor)}`}
            className="font-medium text-blue-700 hover:underline"
          >
            Older dead letters →
          </Link>
        ) : null}
      </div>
    </div>
  );
}
