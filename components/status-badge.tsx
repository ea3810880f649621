import type { TaskStatus } from '@/lib/tasks/task-view';

const BADGE_STYLES: Record<TaskStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  delayed: 'bg-sky-50 text-sky-800 ring-sky-300',
  running: 'bg-blue-50 text-blue-800 ring-blue-300',
  retrying: 'bg-orange-50 text-orange-800 ring-orange-300',
  // In between: the stop is on its way to the worker. Pulsing, so it does not read as done.
  cancelling: 'bg-amber-100 text-amber-900 ring-amber-400 animate-pulse',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  failed: 'bg-red-50 text-red-800 ring-red-300',
  cancelled: 'bg-amber-50 text-amber-800 ring-amber-300',
};

export function StatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span
      data-testid="task-status"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${BADGE_STYLES[status]}`}
    >
      {status}
    </span>
  );
}
