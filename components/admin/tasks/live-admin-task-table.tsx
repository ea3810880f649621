'use client';

import type { ReactNode } from 'react';
import type { LiveListFilter } from '@/lib/realtime/admin-list-filter';
import type { TaskView } from '@/lib/tasks/task-view';
import { ConnectionStatus } from '../../connection-status';
import { AdminTaskTable } from './admin-task-table';
import type { TaskTableView } from './task-columns';
import { useLiveAdminTasks } from './use-live-admin-tasks';

/** AdminTaskTable kept live (useLiveAdminTasks), with whether it is live right now. */
export function LiveAdminTaskTable({
  tasks,
  ownerEmails,
  empty,
  view,
  filter,
  firstPage,
  children,
}: {
  tasks: TaskView[];
  ownerEmails: Record<string, string>;
  empty: ReactNode;
  view?: TaskTableView;
  filter: LiveListFilter;
  firstPage: boolean;
  /** Shown on the left of the status line, e.g. how many tasks the view counts. */
  children?: ReactNode;
}) {
  const { rows, connection, refreshing } = useLiveAdminTasks(tasks, filter, firstPage);
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <div className="text-sm text-slate-700">{children}</div>
        <div className="flex items-center gap-3">
          <span aria-live="polite" className="text-xs text-slate-600" data-testid="list-updating">
            {refreshing ? 'Updating…' : ''}
          </span>
          <ConnectionStatus connection={connection} />
        </div>
      </div>
      <AdminTaskTable tasks={rows} ownerEmails={ownerEmails} empty={empty} view={view} />
    </div>
  );
}
