import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { PageHeading } from '@/components/page-heading';
import { StatusBadge } from '@/components/status-badge';
import { primaryButtonClass } from '@/components/styles';
import { ScheduleState } from '@/components/admin/schedules/schedule-state';
import { formatRunTime } from '@/lib/schedules/format-run-time';
import { MISSED_RUN_LABELS } from '@/lib/schedules/schedule-spec';
import { isAdmin } from '@/server/auth/principal';
import { listSchedules } from '@/server/schedules/schedule-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Schedules · Taskdeck' };

export default async function SchedulesPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const schedules = await listSchedules(principal);
  return (
    <div>
      <PageHeading title="Schedules">
        Task types run on a cron pattern or a fixed interval. Schedules live in the database; every
        web process keeps BullMQ&apos;s job schedulers in line with them.
      </PageHeading>
      <div className="mb-3 flex justify-end">
        <Link href="/admin/schedules/new" className={primaryButtonClass}>
          New schedule
        </Link>
      </div>
      {schedules.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-500">
          No schedules yet. Create one to run a task type on a timetable.
        </p>
      ) : (
        <DataTable
          columns={['Schedule', 'When', 'Next run', 'Last run', 'Missed runs', 'State']}
          alignTop
        >
          {schedules.map((schedule) => {
            const zone = schedule.repeat.kind === 'cron' ? schedule.repeat.timezone : 'UTC';
            const next = schedule.nextRuns[0];
            return (
              <tr key={schedule.id} data-testid="schedule-row" data-schedule-id={schedule.id}>
                <td className="px-3 py-2">
                  <Link
                    href={`/admin/schedules/${schedule.id}`}
                    className="font-medium text-blue-700 hover:underline"
                  >
                    {schedule.name}
                  </Link>
                  <p className="font-mono text-xs text-slate-500">{schedule.taskType}</p>
                </td>
                <td className="px-3 py-2 text-slate-700">{schedule.description}</td>
                <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-600">
                  {next ? `${formatRunTime(next, zone)} (${zone})` : '—'}
                </td>
                <td className="px-3 py-2">
                  {schedule.lastRun ? (
                    <Link href={`/tasks/${schedule.lastRun.taskId}`}>
                      <StatusBadge status={schedule.lastRun.status} />
                    </Link>
                  ) : (
                    <span className="text-slate-500">never</span>
                  )}
                </td>
                <td className="px-3 py-2 text-xs text-slate-600">
                  {MISSED_RUN_LABELS[schedule.missedRunPolicy]}
                </td>
                <td className="px-3 py-2">
                  <ScheduleState schedule={schedule} />
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <p className="mt-3 text-xs text-slate-500">
        A run that starts more than a minute after its time counts as missed (the system was down);
        each schedule says whether missed runs are skipped or made once.
      </p>
    </div>
  );
}
