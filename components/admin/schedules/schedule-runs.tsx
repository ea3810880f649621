'use client';

import Link from 'next/link';
import { useCallback } from 'react';
import { loadScheduleRuns } from '@/server/schedules/schedule-actions';
import { formatRunDuration } from '@/lib/time/format-time';
import { shortTaskId, taskLinkLabel } from '@/lib/tasks/short-task-id';
import type { ScheduleTrigger, TaskView } from '@/lib/tasks/task-view';
import { ActionError } from '../../action-error';
import { ConnectionStatus } from '../../connection-status';
import { DataTable } from '../../data-table';
import { LoadOlderButton } from '../../load-older-button';
import { useCursorPaging } from '../../hooks/use-cursor-paging';
import { StatusBadge } from '../../status-badge';
import { useLiveTasks } from '../../use-live-tasks';
import { useNow } from '../../use-now';
import { RelativeTime } from '../../time/local-time';

const TRIGGER_LABELS: Record<ScheduleTrigger, string> = {
  schedule: 'On schedule',
  run_now: 'Run now',
  catch_up: 'Missed run, caught up',
};

function durationOf(task: TaskView, now: number | null): string {
  return formatRunDuration(task.startedAt, task.finishedAt, now) ?? '—';
}

/** The schedule's runs, newest first, kept live: new runs appear and move as they happen. */
export function ScheduleRuns({
  scheduleId,
  initialRuns,
  initialCursor,
}: {
  scheduleId: string;
  initialRuns: TaskView[];
  initialCursor: string | null;
}) {
  const accept = useCallback((task: TaskView) => task.scheduleId === scheduleId, [scheduleId]);
  const { tasks, connection, addTasks } = useLiveTasks(initialRuns, accept);
  const paging = useCursorPaging({
    initialCursor,
    load: (from) => loadScheduleRuns(scheduleId, from),
    onPage: addTasks,
  });
  const now = useNow();

  return (
    <section aria-labelledby="runs-heading">
      <div className="mb-3 flex items-center justify-between">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Run history
        </h2>
        <ConnectionStatus connection={connection} />
      </div>
      {tasks.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">
          No runs yet. Runs appear here as they start, also those made with Run now.
        </p>
      ) : (
        <DataTable columns={['Started', 'How', 'Outcome', 'Duration', 'Task']}>
          {tasks.map((task) => (
            <tr key={task.id} data-testid="schedule-run" data-task-id={task.id}>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-700">
                <RelativeTime iso={task.createdAt} />
              </td>
              <td data-testid="run-trigger" className="px-3 py-2 text-slate-600">
                {task.scheduleTrigger ? TRIGGER_LABELS[task.scheduleTrigger] : '—'}
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={task.status} />
                {task.error ? (
                  <span className="ml-2 text-xs text-red-700">{task.error.message}</span>
                ) : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-600">
                {durationOf(task, now)}
              </td>
              <td className="px-3 py-2">
                <Link
                  href={`/tasks/${task.id}`}
                  title={task.id}
                  aria-label={taskLinkLabel(task.id)}
                  className="font-mono text-xs text-blue-700 underline"
                >
                  {shortTaskId(task.id)}
                </Link>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadOlderButton paging={paging} text="Older runs" className="mt-3 px-3 py-1.5" />
      <ActionError message={paging.error} className="mt-2 text-sm text-red-700" />
    </section>
  );
}
