import type { TaskPriority, TaskView } from '@/lib/tasks/task-view';

// How tasks are named and summed up in the browser, shared by the dashboard and admin pages.

const TYPE_LABELS: Record<string, string> = {
  'report.generate': 'Report',
  'file.process': 'File',
  'email.send': 'Email',
  'maintenance.cleanup': 'Retention cleanup',
  'diagnostics.simulate': 'Simulated work',
  'diagnostics.stall': 'Unresponsive work',
};

const REPORT_KIND_LABELS: Record<string, string> = {
  activity: 'Activity',
  failures: 'Failures',
  durations: 'Durations',
};

export function taskTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/** One line about what the task was asked to do, when its payload says something useful. */
export function describePayload(task: Pick<TaskView, 'type' | 'payload'>): string | null {
  const payload = task.payload as Record<string, unknown> | null;
  if (!payload || typeof payload !== 'object') return null;
  if (task.type === 'report.generate' && 'from' in payload && 'to' in payload) {
    const kind = REPORT_KIND_LABELS[String(payload.kind ?? 'activity')] ?? String(payload.kind);
    const format = String(payload.format ?? 'csv').toUpperCase();
    return `${kind} · ${format} · ${String(payload.from)} → ${String(payload.to)}`;
  }
  if (task.type === 'file.process' && typeof payload.file === 'object' && payload.file !== null) {
    const file = payload.file as { name?: unknown; label?: unknown };
    return `${String(file.name)} · ${String(file.label)}`;
  }
  if (task.type === 'diagnostics.simulate' && typeof payload.steps === 'number') {
    const steps = payload.steps === 1 ? '1 step' : `${payload.steps} steps`;
    return `${steps} × ${String(payload.stepMs ?? 200)} ms`;
  }
  return null;
}

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
