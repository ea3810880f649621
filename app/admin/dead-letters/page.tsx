import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import {
  listHref,
  readListParams,
  type SearchParams,
} from '@/components/admin/filtered-list/list-params';
import { FilterProblem, PageLinks } from '@/components/admin/filtered-list/list-notices';
import { CountLink } from '@/components/admin/count-link';
import { LiveAdminTaskTable } from '@/components/admin/tasks/live-admin-task-table';
import { FilterBulkActions } from '@/components/admin/tasks/filter-bulk-actions';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { isAppError } from '@/lib/errors';
import { countDeadLetters } from '@/server/admin/task-counts';
import { isAdmin } from '@/server/auth/principal';
import { listUsers } from '@/server/auth/user-service';
import { listTasks, type TaskPage } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dead letters · Taskdeck' };

const PAGE_SIZE = 50;

const DEAD_LETTERS_PATH = '/admin/dead-letters';

/** Failed is final: a task fails only after its last attempt, so these are the dead letters. */
const DEAD_LETTER_FILTER = { status: 'failed' } as const;

export default async function DeadLettersPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const { cursor } = readListParams(await searchParams, { names: ['cursor'] });

  let page: TaskPage = { data: [], nextCursor: null };
  let problem: string | null = null;
  try {
    page = await listTasks(principal, {
      status: DEAD_LETTER_FILTER.status,
      // A completion email that could not be sent is a dead letter like any other.
      include: 'children',
      limit: PAGE_SIZE,
      cursor,
    });
  } catch (error) {
    // A tampered cursor, a page its statement timeout stopped: say so, like the audit log does.
    if (!isAppError(error) || (error.status !== 400 && error.status !== 422)) throw error;
    problem = error.message;
  }
  const [users, total] = await Promise.all([listUsers(principal), countDeadLetters(principal)]);
  const ownerEmails = Object.fromEntries(users.map((user) => [user.id, user.email]));

  return (
    <div>
      <PageHeading title="Dead letters">
        Tasks that failed after their last attempt, newest first, with their errors, live. Retry
        them once the cause is fixed: each gets a fresh set of attempts, its history kept.
      </PageHeading>
      {problem ? (
        <FilterProblem
          title={`This page link cannot be used: ${problem}`}
          clearHref={DEAD_LETTERS_PATH}
          clearText="Show the newest dead letters"
        />
      ) : (
        <>
          <FilterBulkActions
            filter={{ status: 'failed' }}
            actions={['retry']}
            scopeText="all dead letters"
            hasMatches={page.data.length > 0}
          />
          <LiveAdminTaskTable
            view="dead-letters"
            filter={DEAD_LETTER_FILTER}
            firstPage={!cursor}
            tasks={page.data}
            ownerEmails={ownerEmails}
            empty={
              <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
                <p className="font-medium">No dead letters</p>
                <p className="mt-1 text-sm text-slate-500">
                  Tasks that fail after their last attempt show up here, to be looked at and
                  retried.
                </p>
              </div>
            }
          >
            <CountLink
              count={total}
              filter={DEAD_LETTER_FILTER}
              label="dead letters in all"
              testId="dead-letter-count"
            />{' '}
            {total === 1 ? 'dead letter' : 'dead letters'} in all queues (the queues&apos; dead
            letters added up)
          </LiveAdminTaskTable>
        </>
      )}
      <PageLinks
        firstHref={cursor ? DEAD_LETTERS_PATH : null}
        firstText="Newest dead letters"
        nextHref={page.nextCursor ? listHref(DEAD_LETTERS_PATH, { cursor: page.nextCursor }) : null}
        nextText="Older dead letters →"
      />
    </div>
  );
}
