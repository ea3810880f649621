import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ScheduleForm } from '@/components/admin/schedules/schedule-form';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { isAdmin } from '@/server/auth/principal';
import { listTaskTypeForms } from '@/server/tasks/task-type-catalog';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'New schedule · Taskdeck' };

export default async function NewSchedulePage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const types = listTaskTypeForms(principal).filter((type) => type.access !== 'internal');
  return (
    <div className="max-w-3xl">
      <PageHeading title="New schedule">
        Its runs are yours: they appear on your dashboard and in the schedule&apos;s history.
      </PageHeading>
      <ScheduleForm types={types} />
    </div>
  );
}
