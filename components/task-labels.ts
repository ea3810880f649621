import type { TaskPriority } from '@/lib/tasks/task-view';

// How task priorities are named and tagged in the browser, shared by the dashboard and admin
// pages. Task types name themselves: a task's view carries its type's label and summary.

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

/** Tags for priorities other than normal; normal is what almost every task has. */
export const PRIORITY_TAG_STYLES: Record<TaskPriority, string> = {
  low: 'bg-slate-100 text-slate-600',
  normal: 'bg-slate-100 text-slate-700',
  high: 'bg-violet-100 text-violet-800',
  urgent: 'bg-red-100 text-red-800',
};
