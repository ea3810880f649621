'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { formatDuration } from '@/lib/tasks/eta';
import type { TaskView } from '@/lib/tasks/task-view';
import { DataTable } from '../../data-table';
import { formatUtc } from '../../format';
import { StatusBadge } from '../../status-badge';
import { PRIORITY_LABELS, PRIORITY_TAG_STYLES } from '../../task-labels';
import { BulkTaskActions } from './bulk-task-actions';
import { shortTaskId } from './short-id';
import { useHydrated } from '../../use-hydrated';

function describeDuration(task: TaskView): string {
  if (!task.startedAt || !task.finishedAt) return '—';
  return formatDuration(Date.parse(task.finishedAt) - Date.parse(task.startedAt));
}

/**
 * One page of tasks, each row opening its task page, with checkboxes (and one for the whole
 * page) for the bulk actions above it. Rendered for an empty page too, with `empty` in place
 * of the table, so the outcome of the action that emptied it stays on screen.
 */
export function AdminTaskTable({
  tasks,
  ownerEmails,
  empty,
}: {
  tasks: TaskView[];
  ownerEmails: Record<string, string>;
  empty: ReactNode;
}) {
  const hydrated = useHydrated();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Tasks gone since (deleted, or off this page after a refresh) stop counting as selected.
  const selectedIds = tasks.map((task) => task.id).filter((id) => selected.has(id));
  const allSelected = tasks.length > 0 && selectedIds.length === tasks.length;

  function toggle(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  }

  return (
    <div>
      <BulkTaskActions
        selectedIds={selectedIds}
        showButtons={tasks.length > 0}
        onDone={() => setSelected(new Set())}
      />
      {tasks.length === 0 ? empty : null}
      {tasks.length === 0 ? null : (
        <DataTable
          columns={[
            <input
              key="all"
              type="checkbox"
              aria-label="Select all on this page"
              checked={allSelected}
              disabled={!hydrated}
              onChange={(event) =>
                setSelected(new Set(event.target.checked ? tasks.map((task) => task.id) : []))
              }
            />,
            'Task',
            'Type',
            'Status',
            'Owner',
            'Queue',
            'Priority',
            'Created',
            'Duration',
            'Progress',
          ]}
        >
          {tasks.map((task) => (
            <tr
              key={task.id}
              data-testid="admin-task-row"
              data-task-id={task.id}
              className={selected.has(task.id) ? 'bg-blue-50' : undefined}
            >
              <td className="px-3 py-2">
                <input
                  type="checkbox"
                  aria-label={`Select task ${task.id}`}
                  checked={selected.has(task.id)}
                  disabled={!hydrated}
                  onChange={(event) => toggle(task.id, event.target.checked)}
                />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <Link
                  href={`/tasks/${task.id}`}
                  title={task.id}
                  aria-label={`Open task ${task.id}`}
                  className="font-mono text-xs font-medium text-blue-700 hover:underline"
                >
                  {shortTaskId(task.id)}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <span className="font-medium">{task.label}</span>
                <span className="block font-mono text-xs text-slate-400">{task.type}</span>
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={task.status} />
              </td>
              <td className="max-w-56 truncate px-3 py-2 text-slate-600">
                {task.ownerId ? (ownerEmails[task.ownerId] ?? task.ownerId.slice(0, 8)) : '—'}
              </td>
              <td className="px-3 py-2 font-mono text-xs text-slate-600">{task.queue}</td>
              <td className="px-3 py-2">
                <span
                  className={`rounded px-1.5 py-0.5 text-xs font-medium ${PRIORITY_TAG_STYLES[task.priority]}`}
                >
                  {PRIORITY_LABELS[task.priority]}
                </span>
              </td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">
                <time dateTime={task.createdAt}>{formatUtc(task.createdAt)}</time>
              </td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-600">
                {describeDuration(task)}
              </td>
              <td className="px-3 py-2 tabular-nums text-slate-600">{task.progress}%</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
