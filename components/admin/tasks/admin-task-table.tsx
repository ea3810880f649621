'use client';

import { useState, type ReactNode } from 'react';
import type { TaskView } from '@/lib/tasks/task-view';
import { DataTable } from '../../data-table';
import { useHydrated } from '../../use-hydrated';
import { BULK_ACTIONS_VIEWS } from './bulk-summary';
import { BulkTaskActions } from './bulk-task-actions';
import { TASK_TABLE_VIEWS, type TaskTableView } from './task-columns';

/**
 * One page of tasks with checkboxes (and one for the whole page) for the bulk actions above
 * it: all tasks, or a view of them such as the dead letters (its own columns and actions).
 * Rendered for an empty page too, with `empty` in place of the table, so the outcome of the
 * action that emptied it stays on screen.
 */
export function AdminTaskTable({
  tasks,
  ownerEmails,
  empty,
  view = 'all',
}: {
  tasks: TaskView[];
  ownerEmails: Record<string, string>;
  empty: ReactNode;
  view?: TaskTableView;
}) {
  const hydrated = useHydrated();
  const { columns, rowTestId, alignTop } = TASK_TABLE_VIEWS[view];
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
        view={BULK_ACTIONS_VIEWS[view]}
        selectedIds={selectedIds}
        showButtons={tasks.length > 0}
        onDone={() => setSelected(new Set())}
      />
      {tasks.length === 0 ? empty : null}
      {tasks.length === 0 ? null : (
        <DataTable
          alignTop={alignTop}
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
            ...columns.map((column) => column.header),
          ]}
        >
          {tasks.map((task) => (
            <tr
              key={task.id}
              data-testid={rowTestId}
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
              {columns.map((column) => (
                <td key={column.header} className={column.className}>
                  {column.render(task, ownerEmails)}
                </td>
              ))}
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
