import type { TaskView } from '@/lib/tasks/task-view';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';

const TYPE_LABELS: Record<string, string> = {
  'report.generate': 'Activity report',
  'diagnostics.simulate': 'Simulated work',
};

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

function describePayload(task: TaskView): string | null {
  const payload = task.payload as Record<string, unknown> | null;
  if (task.type === 'report.generate' && payload && 'from' in payload && 'to' in payload) {
    return `${String(payload.from)} → ${String(payload.to)}`;
  }
  return null;
}

export function TaskRow({ task, owner }: { task: TaskView; owner?: string }) {
  const label = TYPE_LABELS[task.type] ?? task.type;
  const detail = describePayload(task);
  return (
    <li data-testid="task-row" data-task-id={task.id} className="px-4 py-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="min-w-0">
          <span className="font-medium">{label}</span>
          {detail ? <span className="ml-2 text-sm text-slate-500">{detail}</span> : null}
          <div className="font-mono text-xs text-slate-400" title={task.id}>
            {task.id.slice(0, 8)} · {formatTime(task.createdAt)}
            {task.attempts > 1 ? ` · attempt ${task.attempts} of ${task.maxAttempts}` : ''}
          </div>
          {owner ? (
            <div data-testid="task-owner" className="text-xs text-slate-500">
              Owner: {owner}
            </div>
          ) : null}
        </div>
        <StatusBadge status={task.status} />
      </div>
      <div className="mt-2 flex items-center gap-3">
        <ProgressBar value={task.progress} status={task.status} label={`${label} progress`} />
        <span className="w-10 text-right text-xs tabular-nums text-slate-600">
          {task.progress}%
        </span>
      </div>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-sm">
        <span data-testid="task-message" className="text-slate-600">
          {task.status === 'failed' && task.error ? (
            <span className="text-red-700">{task.error.message}</span>
          ) : (
            (task.progressMessage ?? '')
          )}
        </span>
        {task.resultUrl ? (
          <a
            href={task.resultUrl}
            download
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100"
          >
            Download
          </a>
        ) : null}
      </div>
    </li>
  );
}
