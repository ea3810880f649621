import type { Metadata } from 'next';
import { ScheduleForm } from '@/components/admin/schedules/schedule-form';
import { PageHeading } from '@/components/page-heading';
import { listTaskTypeForms } from '@/server/tasks/task-type-catalog';
import { loadScheduleForPage } from '../load-schedule';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Edit schedule · Taskdeck' };

export default async function EditSchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const { principal, schedule } = await loadScheduleForPage((await params).id);
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
