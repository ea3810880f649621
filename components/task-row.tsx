import Link from 'next/link';
import type { TaskView } from '@/lib/tasks/task-view';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { TaskActions } from './task-actions';
import { TaskHistory } from './task-history';
import { PRIORITY_TAG_STYLES } from './task-labels';
import { hasTiming } from '@/lib/tasks/describe-timing';
import { TaskTiming } from './task-timing';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { formatRunDuration } from '@/lib/time/format-time';
import { RelativeTime } from './time/local-time';

/** The last error while a retry is pending, the final one once failed; otherwise the progress line. */
function TaskMessage({ task }: { task: TaskView }) {
  const showError = (task.status === 'failed' || task.status === 'retrying') && task.error;
  return (
    <span data-testid="task-message" className="text-slate-600">
      {showError ? (
        <span className="text-red-700" title={task.error?.code}>
          {task.error?.message}
        </span>
      ) : (
        (task.progressMessage ?? '')
      )}
    </span>
  );
}

/** How long a finished task ran, on its row; nothing while it runs or if it never started. */
function RunTime({ task }: { task: TaskView }) {
  const ran = task.finishedAt ? formatRunDuration(task.startedAt, task.finishedAt) : null;
  return ran ? <span data-testid="task-run-time"> · ran {ran}</span> : null;
}

export function TaskRow({
  task,
  owner,
  typicalMs = null,
  onChanged,
}: {
  task: TaskView;
  owner?: string;
  /** How long the type's recent successful runs took (median), for the time left. */
  typicalMs?: number | null;
  /** A newer state of this task, from an action's answer. */
  onChanged: (task: TaskView) => void;
}) {
  const { label, summary: detail } = task;
  return (
    <li data-testid="task-row" data-task-id={task.id} className="px-4 py-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="min-w-0">
          <Link href={`/tasks/${task.id}`} className="font-medium hover:underline">
            {label}
          </Link>
          {detail ? <span className="ml-2 text-sm text-slate-500">{detail}</span> : null}
          {task.priority !== 'normal' ? (
            <span
              data-testid="task-priority"
              className={`ml-2 rounded px-1.5 py-0.5 text-xs font-medium ${PRIORITY_TAG_STYLES[task.priority]}`}
            >
              {task.priority} priority
            </span>
          ) : null}
          <div className="text-xs text-slate-500">
            <span className="font-mono" title={task.id} data-testid="task-short-id">
              {shortTaskId(task.id)}
            </span>
            {' · '}
            <RelativeTime iso={task.createdAt} />
            {task.attempts > 1 ? ` · attempt ${task.attempts} of ${task.maxAttempts}` : ''}
            <RunTime task={task} />
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
      <div className="mt-1 flex flex-wrap items-start justify-between gap-2 text-sm">
        <div className="flex min-w-0 flex-col">
          <TaskMessage task={task} />
          {hasTiming(task.status) ? <TaskTiming task={task} typicalMs={typicalMs} /> : null}
        </div>
        <div className="flex items-start gap-2">
          <TaskActions task={task} onChanged={onChanged} />
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
      </div>
      <TaskHistory taskId={task.id} revision={task.revision} />
    </li>
  );
}
