import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RunTaskForm } from '@/components/admin/run-task-form';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { isAdmin } from '@/server/auth/principal';
import { listTaskTypeForms } from '@/server/tasks/task-type-catalog';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Run a task · Taskdeck' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function RunTaskPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const types = listTaskTypeForms(principal);
  const raw = (await searchParams).type;
  const asked = Array.isArray(raw) ? raw[0] : raw;
  const initialType = types.some((type) => type.name === asked) ? (asked ?? null) : null;
  return (
    <div>
      <PageHeading title="Run a task">
        Any task type, with settings from its own schema, a priority and a start time. The task is
        yours: it appears on your dashboard, and the run is recorded in the audit log.
      </PageHeading>
      <RunTaskForm types={types} initialType={initialType} />
    </div>
  );
}
