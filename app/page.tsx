import { redirect } from 'next/navigation';
import { getEnv } from '@/lib/env';
import { Dashboard } from '@/components/dashboard';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { isAppError } from '@/lib/errors';
import { isAdmin, type UserPrincipal } from '@/server/auth/principal';
import { listUsers } from '@/server/auth/user-service';
import { TASK_PRIORITIES, type TaskPriority } from '@/lib/tasks/task-view';
import { getTypicalDurations, listTasks, type TaskPage } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 25;

/** What users may ask for; high and urgent are for admins (checkPriority in task-submission.ts). */
const USER_PRIORITIES: readonly TaskPriority[] = ['low', 'normal'];

function utcDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The first page, or, when its statement timeout stopped it, an empty list that says so. */
async function readFirstPage(
  principal: UserPrincipal,
): Promise<{ page: TaskPage; loadError: string | null }> {
  try {
    return { page: await listTasks(principal, { limit: PAGE_SIZE }), loadError: null };
  } catch (error) {
    if (!isAppError(error) || error.code !== 'search_too_broad') throw error;
    return { page: { data: [], nextCursor: null }, loadError: error.message };
  }
}

export default async function DashboardPage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  const admin = isAdmin(principal);
  const [{ page, loadError }, users, typicalDurations] = await Promise.all([
    readFirstPage(principal),
    // Admins see everyone's tasks: label each row with its owner.
    admin ? listUsers(principal) : Promise.resolve(null),
    getTypicalDurations(principal),
  ]);
  return (
    <Dashboard
      initialTasks={page.data}
      initialCursor={page.nextCursor}
      pageSize={PAGE_SIZE}
      defaultFrom={utcDate(-29)}
      defaultTo={utcDate(0)}
      priorities={admin ? TASK_PRIORITIES : USER_PRIORITIES}
      // One per render: resubmitting this form returns the task it made, never a second one.
      submissionId={crypto.randomUUID()}
      typicalDurations={typicalDurations}
      uploadMaxBytes={getEnv().UPLOAD_MAX_BYTES}
      ownerEmails={users ? Object.fromEntries(users.map((user) => [user.id, user.email])) : null}
      initialLoadError={loadError}
    />
  );
}
