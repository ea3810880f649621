import { headers } from 'next/headers';
import { Dashboard } from '@/components/dashboard';
import { authenticateRequest } from '@/server/auth/principal';
import { listTasks } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 25;

function utcDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export default async function DashboardPage() {
  const principal = await authenticateRequest(await headers());
  const page = await listTasks(principal, { limit: PAGE_SIZE });
  return (
    <Dashboard
      initialTasks={page.data}
      initialCursor={page.nextCursor}
      pageSize={PAGE_SIZE}
      defaultFrom={utcDate(-29)}
      defaultTo={utcDate(0)}
    />
  );
}
