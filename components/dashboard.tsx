'use client';

import { loadMoreTasks } from '@/server/tasks/task-actions';
import { isTopLevelTask, type TaskPriority, type TaskView } from '@/lib/tasks/task-view';
import { ReportForm } from './report-form';
import { UploadPanel } from './upload-panel';
import { TaskRow } from './task-row';
import { ActionError } from './action-error';
import { ConnectionStatus } from './connection-status';
import { useCursorPaging } from './hooks/use-cursor-paging';
import { LoadOlderButton } from './load-older-button';
import { useLiveTasks } from './use-live-tasks';

function ownerLabel(ownerEmails: Record<string, string>, ownerId: string | null): string {
  if (!ownerId) return 'no owner';
  // A user who signed up after this page loaded: not in the map, shown by id.
  return ownerEmails[ownerId] ?? `user ${ownerId.slice(0, 8)}`;
}

export function Dashboard({
  initialTasks,
  initialCursor,
  pageSize,
  defaultFrom,
  defaultTo,
  priorities,
  submissionId,
  typicalDurations,
  uploadMaxBytes,
  ownerEmails = null,
  initialLoadError = null,
}: {
  initialTasks: TaskView[];
  initialCursor: string | null;
  pageSize: number;
  defaultFrom: string;
  defaultTo: string;
  /** The priorities this user may submit with. */
  priorities: readonly TaskPriority[];
  /** The report form's first duplicate-submit guard, made by the page. */
  submissionId: string;
  /** Median run time per task type, for the time left on running tasks. */
  typicalDurations: Record<string, number>;
  /** The largest upload the server accepts (UPLOAD_MAX_BYTES). */
  uploadMaxBytes: number;
  /** For admins, who see every user's tasks: owner id → email, to label each row. */
  ownerEmails?: Record<string, string> | null;
  /** Why the first page could not be read (the list's statement timeout), if it could not. */
  initialLoadError?: string | null;
}) {
  const { tasks, connection, addTasks } = useLiveTasks(initialTasks, isTopLevelTask);
  const paging = useCursorPaging({
    initialCursor,
    load: (from) => loadMoreTasks(from, pageSize),
    onPage: addTasks,
    initialError: initialLoadError,
  });

  return (
    <div className="grid gap-8 lg:grid-cols-[20rem_1fr]">
      <h1 className="sr-only">Dashboard</h1>
      <div className="space-y-8">
        <section aria-labelledby="upload-heading">
          <h2 id="upload-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
            Process files
          </h2>
          <UploadPanel maxBytes={uploadMaxBytes} onCreated={(task) => addTasks([task])} />
        </section>
        <section aria-labelledby="request-heading">
          <h2 id="request-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
            Request a report
          </h2>
          <ReportForm
            defaultFrom={defaultFrom}
            defaultTo={defaultTo}
            priorities={priorities}
            initialSubmissionId={submissionId}
            onCreated={(task) => addTasks([task])}
          />
        </section>
      </div>
      {/* On a phone the list, newest first, comes before the forms; beside them on a wide screen. */}
      <section aria-labelledby="tasks-heading" className="order-first min-w-0 lg:order-none">
        <div className="mb-3 flex items-center justify-between">
          <h2 id="tasks-heading" className="text-sm font-semibold uppercase text-slate-500">
            Tasks
          </h2>
          <ConnectionStatus connection={connection} />
        </div>
        {tasks.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
            <p className="font-medium">No tasks yet</p>
            <p className="mt-1 text-sm text-slate-500">
              Upload a file or request a report, and watch it run here, live.
            </p>
          </div>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
            {tasks.map((task) => (
              <TaskRow
                key={task.id}
                task={task}
                owner={ownerEmails ? ownerLabel(ownerEmails, task.ownerId) : undefined}
                typicalMs={typicalDurations[task.type] ?? null}
                onChanged={(changed) => addTasks([changed])}
              />
            ))}
          </ul>
        )}
        <ActionError message={paging.error} className="mt-3 text-sm text-red-700" />
        <LoadOlderButton
          paging={paging}
          text="Load older tasks"
          className="mt-3 w-full px-3 py-2"
        />
      </section>
    </div>
  );
}
