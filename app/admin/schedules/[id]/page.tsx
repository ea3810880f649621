import type { Metadata } from 'next';
import Link from 'next/link';
import { ScheduleControls } from '@/components/admin/schedules/schedule-controls';
import { ScheduleRuns } from '@/components/admin/schedules/schedule-runs';
import { ScheduleState } from '@/components/admin/schedules/schedule-state';
import { cardClass } from '@/components/styles';
import { PRIORITY_LABELS } from '@/components/task-labels';
import { formatRunTime } from '@/lib/schedules/format-run-time';
import { MISSED_RUN_LABELS, type MissedRunPolicy } from '@/lib/schedules/schedule-spec';
import { listScheduleRuns } from '@/server/schedules/schedule-runs';
import { loadScheduleForPage } from './load-schedule';
import { LocalTime } from '@/components/time/local-time';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Schedule · Taskdeck' };

const POLICY_EXPLAINED: Record<MissedRunPolicy, string> = {
  run_once:
    'If Taskdeck was down when a run was due (or a run starts more than a minute late), one run is made when it is back, however many were missed.',
  skip: 'If Taskdeck was down when a run was due (or a run starts more than a minute late), the run is skipped and counted here.',
};

function Detail({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 py-2">
      <dt className="text-sm text-slate-500">{term}</dt>
      <dd className="text-sm text-slate-800">{children}</dd>
    </div>
  );
}

export default async function SchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const { principal, schedule } = await loadScheduleForPage((await params).id);
  const runs = await listScheduleRuns(principal, schedule.id, { limit: 25 });
  const zone = schedule.repeat.kind === 'cron' ? schedule.repeat.timezone : 'UTC';
  return (
    <div className="space-y-8">
      <div>
        <Link href="/admin/schedules" className="text-sm text-blue-700 hover:underline">
          ← All schedules
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{schedule.name}</h1>
          <ScheduleState schedule={schedule} />
        </div>
        <p data-testid="schedule-description" className="mt-1 text-slate-600">
          {schedule.description}
        </p>
      </div>

      <ScheduleControls schedule={schedule} />

      {schedule.lastError ? (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          The last run could not be made (<LocalTime iso={schedule.lastErrorAt} />
          ): {schedule.lastError} Edit the schedule to fix it.
        </p>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <section className={`${cardClass} p-5`} aria-labelledby="details-heading">
          <h2 id="details-heading" className="mb-2 text-lg font-semibold">
            Details
          </h2>
          <dl className="divide-y divide-slate-100">
            <Detail term="Task type">
              <span className="font-mono">{schedule.taskType}</span>
            </Detail>
            <Detail term="Payload">
              <pre tabIndex={0} className="overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                {JSON.stringify(schedule.payload, null, 2)}
              </pre>
            </Detail>
            <Detail term="Priority">{PRIORITY_LABELS[schedule.priority]}</Detail>
            <Detail term="Repeats">
              {schedule.repeat.kind === 'cron' ? (
                <>
                  <code className="font-mono">{schedule.repeat.cron}</code> in {zone}
                </>
              ) : (
                schedule.description
              )}
            </Detail>
            <Detail term="Missed runs">
              <span data-testid="missed-run-policy" className="font-medium">
                {MISSED_RUN_LABELS[schedule.missedRunPolicy]}
              </span>
              <p className="text-xs text-slate-500">{POLICY_EXPLAINED[schedule.missedRunPolicy]}</p>
              {schedule.skippedRuns > 0 ? (
                <p data-testid="skipped-runs" className="mt-1 text-xs text-amber-800">
                  {schedule.skippedRuns} run{schedule.skippedRuns === 1 ? '' : 's'} skipped, the
                  last one due <LocalTime iso={schedule.lastSkippedAt} />.
                </p>
              ) : null}
            </Detail>
            <Detail term="Last run">
              {schedule.lastRunAt ? <LocalTime iso={schedule.lastRunAt} /> : 'never'}
            </Detail>
          </dl>
        </section>
        <section className={`${cardClass} p-5`} aria-labelledby="next-heading">
          <h2 id="next-heading" className="mb-2 text-lg font-semibold">
            Next runs
          </h2>
          {schedule.nextRuns.length === 0 ? (
            <p className="text-sm text-slate-500">
              Paused: no runs until it is resumed. Run now still works.
            </p>
          ) : (
            <ol data-testid="next-runs" className="space-y-1 text-sm tabular-nums text-slate-700">
              {schedule.nextRuns.map((run) => (
                <li key={run}>
                  {formatRunTime(run, zone)} ({zone})
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <ScheduleRuns
        scheduleId={schedule.id}
        initialRuns={runs.data}
        initialCursor={runs.nextCursor}
      />
    </div>
  );
}
