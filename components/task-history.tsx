'use client';

import { useEffect, useState } from 'react';
import { loadTaskHistory } from '@/server/tasks/task-actions';
import { ActionError } from './action-error';
import { useAction } from './hooks/use-action';
import type { TaskTransitionView } from '@/lib/tasks/task-view';
import { LocalTime } from './time/local-time';

/**
 * The task's timeline (every status change), loaded when opened and again whenever the task
 * changes status while it is open.
 */
export function TaskHistory({ taskId, revision }: { taskId: string; revision: number }) {
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<TaskTransitionView[] | null>(null);
  const { run, pending: loading, error } = useAction();

  useEffect(() => {
    if (!open) return;
    run(() => loadTaskHistory(taskId), { onSuccess: setEntries, toast: false });
  }, [open, taskId, revision, run]);

  return (
    <details
      className="mt-1 text-xs"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary className="w-fit cursor-pointer select-none text-slate-500 hover:text-slate-800">
        History
      </summary>
      {error ? (
        <ActionError message={error} className="mt-1 text-red-700" />
      ) : entries === null ? (
        <p className="mt-1 text-slate-500">{loading ? 'Loading…' : null}</p>
      ) : (
        <ol
          data-testid="task-history"
          aria-busy={loading}
          className="mt-1 space-y-0.5 rounded-md bg-slate-50 px-3 py-2"
        >
          {entries.map((entry) => (
            <li
              key={entry.revision}
              data-testid="task-transition"
              data-from={entry.from ?? ''}
              data-to={entry.to}
              className="grid grid-cols-[5rem_11rem_5rem_1fr] gap-2"
            >
              <LocalTime iso={entry.at} timeOnly className="font-mono text-slate-500" />
              <span>
                {entry.from ?? 'new'} → <span className="font-medium">{entry.to}</span>
              </span>
              <span className="text-slate-500">
                {entry.attempt > 0 ? `attempt ${entry.attempt}` : ''}
              </span>
              <span className="text-slate-600 wrap-anywhere">{entry.reason ?? ''}</span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
