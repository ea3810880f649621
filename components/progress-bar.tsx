import type { TaskStatus } from '@/lib/tasks/task-view';

const BAR_COLOURS: Record<TaskStatus, string> = {
  queued: 'bg-slate-400',
  delayed: 'bg-sky-300',
  running: 'bg-blue-600',
  retrying: 'bg-orange-400',
  cancelling: 'bg-amber-500 animate-pulse',
  succeeded: 'bg-emerald-600',
  failed: 'bg-red-600',
  cancelled: 'bg-amber-500',
};

export function ProgressBar({
  value,
  status,
  label,
}: {
  value: number;
  status: TaskStatus;
  label: string;
}) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div
        className={`h-full rounded-full transition-[width] duration-200 ease-out ${BAR_COLOURS[status]}`}
        style={{ width: `${value}%` }}
      />
    </div>
  );
}
