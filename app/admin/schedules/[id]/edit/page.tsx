import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ScheduleForm } from '@/components/admin/schedules/schedule-form';
import { getPagePrincipal } from '@/components/current-principal';
import { PageHeading } from '@/components/page-heading';
import { isAppError } from '@/lib/errors';
import { isAdmin } from '@/server/auth/principal';
import { getSchedule } from '@/server/schedules/schedule-service';
import { listTaskTypeForms } from '@/server/tasks/task-type-catalog';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Edit schedule · Taskdeck' };

export default async function EditSchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const { id } = await params;
  const schedule = await getSchedule(principal, id).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  });
  const types = listTaskTypeForms(principal).filter((type) => type.access !== 'internal');
  return (
    <div className="max-w-3xl">
      <PageHeading title={`Edit ${schedule.name}`}>
        Changes reach the job scheduler at once; the next run follows the new timetable.
      </PageHeading>
      <ScheduleForm types={types} schedule={schedule} />
    </div>
  );
}
