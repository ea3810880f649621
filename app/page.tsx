import { redirect } from 'next/navigation';
import { Dashboard } from '@/components/dashboard';
import { getPagePrincipal } from '@/components/current-principal';
import { isAdmin } from '@/server/auth/principal';
import { listUsers } from '@/server/auth/user-service';
import { listTasks } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 25;

function utcDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export default async function DashboardPage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  const [page, users] = await Promise.all([
    listTasks(principal, { limit: PAGE_SIZE }),
    // Admins see everyone's tasks: label each row with its owner.
    isAdmin(principal) ? listUsers(principal) : Promise.resolve(null),
  ]);
  return (
    <Dashboard
      initialTasks={page.data}
      initialCursor={page.nextCursor}
      pageSize={PAGE_SIZE}
      defaultFrom={utcDate(-29)}
      defaultTo={utcDate(0)}
      ownerEmails={users ? Object.fromEntries(users.map((user) => [user.id, user.email])) : null}
    />
  );
}
