import Link from 'next/link';
import type { ReactNode } from 'react';
import type { TaskView } from '@/lib/tasks/task-view';
import { StatusBadge } from '../../status-badge';
import { PRIORITY_LABELS, PRIORITY_TAG_STYLES } from '../../task-labels';
import { shortTaskId, taskLinkLabel } from '@/lib/tasks/short-task-id';
import { RunDuration } from '../../time/run-duration';
import { RelativeTime } from '../../time/local-time';

// The columns of the admin task table, for each view of it: all tasks, and the dead letters
// (failed tasks, with their errors).

export interface TaskColumn {
  header: string;
  className: string;
  render: (task: TaskView, ownerEmails: Record<string, string>) => ReactNode;
}

function ownerOf(task: TaskView, ownerEmails: Record<string, string>): string {
  return task.ownerId ? (ownerEmails[task.ownerId] ?? task.ownerId.slice(0, 8)) : '—';
}

/** A follow-up's row says whose child it is: "for 9f3c01ab", a link to the parent. */
function ParentOf({ task }: { task: TaskView }) {
  if (!task.parentTaskId) return null;
  return (
    <Link
      href={`/tasks/${task.parentTaskId}`}
      title={task.parentTaskId}
      data-testid="task-parent"
      className="block font-mono text-xs text-slate-500 hover:underline"
    >
      for {shortTaskId(task.parentTaskId)}
    </Link>
  );
}

const ALL_TASK_COLUMNS: TaskColumn[] = [
  {
    header: 'Task',
    className: 'whitespace-nowrap px-3 py-2',
    render: (task) => (
      <>
        <Link
          href={`/tasks/${task.id}`}
          title={task.id}
          aria-label={taskLinkLabel(task.id)}
          className="font-mono text-xs font-medium text-blue-700 hover:underline"
        >
          {shortTaskId(task.id)}
        </Link>
        <ParentOf task={task} />
      </>
    ),
  },
  {
    header: 'Type',
    className: 'whitespace-nowrap px-3 py-2',
    render: (task) => (
      <>
        <span className="font-medium">{task.label}</span>
        <span className="block font-mono text-xs text-slate-500">{task.type}</span>
      </>
    ),
  },
  {
    header: 'Status',
    className: 'px-3 py-2',
    render: (task) => <StatusBadge status={task.status} />,
  },
  {
    header: 'Owner',
    className: 'max-w-56 truncate px-3 py-2 text-slate-600',
    render: ownerOf,
  },
  {
    header: 'Queue',
    className: 'px-3 py-2 font-mono text-xs text-slate-600',
    render: (task) => task.queue,
  },
  {
    header: 'Priority',
    className: 'px-3 py-2',
    render: (task) => (
      <span
        className={`rounded px-1.5 py-0.5 text-xs font-medium ${PRIORITY_TAG_STYLES[task.priority]}`}
      >
        {PRIORITY_LABELS[task.priority]}
      </span>
    ),
  },
  {
    header: 'Created',
    className: 'whitespace-nowrap px-3 py-2 text-xs text-slate-600',
    render: (task) => <RelativeTime iso={task.createdAt} />,
  },
  {
    header: 'Duration',
    className: 'whitespace-nowrap px-3 py-2 tabular-nums text-slate-600',
    render: (task) => <RunDuration task={task} />,
  },
  {
    header: 'Progress',
    className: 'px-3 py-2 tabular-nums text-slate-600',
    render: (task) => `${task.progress}%`,
  },
];

const DEAD_LETTER_COLUMNS: TaskColumn[] = [
  {
    header: 'Task',
    className: 'px-3 py-2',
    render: (task) => (
      <>
        <span className="font-medium">{task.label}</span>
        <span className="block font-mono text-xs text-slate-500" title={task.id}>
          {shortTaskId(task.id)} · {task.queue}
        </span>
        <ParentOf task={task} />
      </>
    ),
  },
  { header: 'Owner', className: 'px-3 py-2 text-slate-600', render: ownerOf },
  {
    header: 'Error',
    className: 'min-w-48 px-3 py-2',
    render: (task) =>
      task.error ? (
        <>
          <code className="rounded bg-red-50 px-1.5 py-0.5 font-mono text-xs text-red-800">
            {task.error.code}
          </code>
          <span data-testid="dead-letter-error" className="mt-1 block wrap-anywhere">
            {task.error.message}
          </span>
        </>
      ) : (
        '—'
      ),
  },
  {
    header: 'Attempts',
    className: 'px-3 py-2 tabular-nums text-slate-600',
    render: (task) => `${task.attempts} of ${task.maxAttempts}`,
  },
  {
    header: 'Finished',
    className: 'whitespace-nowrap px-3 py-2 text-xs text-slate-600',
    render: (task) => <RelativeTime iso={task.finishedAt} />,
  },
];

export type TaskTableView = 'all' | 'dead-letters';

/** What differs between the views: the columns, and the test id each row carries. */
export const TASK_TABLE_VIEWS: Record<
  TaskTableView,
  { columns: TaskColumn[]; rowTestId: string; alignTop: boolean }
> = {
  all: { columns: ALL_TASK_COLUMNS, rowTestId: 'admin-task-row', alignTop: false },
  'dead-letters': { columns: DEAD_LETTER_COLUMNS, rowTestId: 'dead-letter-row', alignTop: true },
};
