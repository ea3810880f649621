import type { ScheduleView } from '@/lib/schedules/schedule-view';

/** Enabled or paused; a schedule whose last run could not be made says so. */
export function ScheduleState({ schedule }: { schedule: ScheduleView }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <span
        data-testid="schedule-state"
        className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
          schedule.enabled
            ? 'bg-emerald-50 text-emerald-800 ring-emerald-300'
            : 'bg-amber-100 text-amber-900 ring-amber-400'
        }`}
      >
        {schedule.enabled ? 'enabled' : 'paused'}
      </span>
      {schedule.lastError ? (
        <span className="inline-flex items-center rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-300">
          last run failed to start
        </span>
      ) : null}
    </span>
  );
}
