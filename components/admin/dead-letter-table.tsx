'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { runBulkTaskAction } from '@/server/tasks/task-actions';
import type { TaskView } from '@/lib/tasks/task-view';
import { DataTable } from '../data-table';
import { formatUtc } from '../format';
import { primaryButtonClass } from '../styles';

interface BulkSummary {
  succeeded: number;
  failures: Array<{ id: string; error: string }>;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Failed tasks with checkboxes and "Retry selected": ask first, then retry them all in one
 * request and say how it went. Rendered for the empty list too, so the summary of the retry
 * that emptied it stays on screen.
 */
export function DeadLetterTable({
  tasks,
  ownerEmails,
}: {
  tasks: TaskView[];
  ownerEmails: Record<string, string>;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [summary, setSummary] = useState<BulkSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // Ids retried (or gone) since are no longer on the page: they stop counting as selected.
  const selectedIds = tasks.map((task) => task.id).filter((id) => selected.has(id));
  const allSelected = tasks.length > 0 && selectedIds.length === tasks.length;

  function toggle(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
    setConfirming(false);
  }

  function retrySelected() {
    setError(null);
    startTransition(async () => {
      const result = await runBulkTaskAction('retry', selectedIds);
      setConfirming(false);
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setSummary({
        succeeded: result.data.succeeded,
        failures: result.data.results.flatMap((outcome) =>
          outcome.ok ? [] : [{ id: outcome.id, error: outcome.error ?? 'Not retried.' }],
        ),
      });
      setSelected(new Set());
      router.refresh();
    });
  }

  return (
    <div>
      {summary ? (
        <div
          role="status"
          data-testid="bulk-summary"
          className="mb-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm"
        >
          <p className="font-medium">
            Retried {plural(summary.succeeded, 'task')}
            {summary.failures.length > 0
              ? `; ${summary.failures.length} could not be retried.`
              : '.'}
          </p>
          {summary.failures.length > 0 ? (
            <ul className="mt-1 list-inside list-disc text-red-800">
              {summary.failures.map((failure) => (
                <li key={failure.id}>
                  <span className="font-mono text-xs">{failure.id.slice(0, 8)}</span>:{' '}
                  {failure.error}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {tasks.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">No dead letters</p>
          <p className="mt-1 text-sm text-slate-500">
            Tasks that fail after their last attempt show up here, to be looked at and retried.
          </p>
        </div>
      ) : (
        <>
          <div className="mb-3 flex flex-wrap items-center gap-3">
            {confirming ? (
              <div
                role="group"
                aria-label="Confirm the retry"
                className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm"
              >
                <span>
                  Retry {plural(selectedIds.length, 'task')}? Each gets a fresh set of attempts.
                </span>
                <button
                  type="button"
                  onClick={retrySelected}
                  disabled={pending}
                  className={primaryButtonClass}
                >
                  {pending ? 'Retrying…' : 'Yes, retry'}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirming(false)}
                  disabled={pending}
                  className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50"
                >
                  Cancel
                </button>
              </div>
            ) : (
              <button
                type="button"
                onClick={() => setConfirming(true)}
                disabled={selectedIds.length === 0}
                className={primaryButtonClass}
              >
                Retry selected{selectedIds.length > 0 ? ` (${selectedIds.length})` : ''}
              </button>
            )}
            {error ? (
              <p role="alert" className="text-sm text-red-700">
                {error}
              </p>
            ) : null}
          </div>
          <DataTable
            alignTop
            columns={[
              <input
                key="all"
                type="checkbox"
                aria-label="Select all"
                checked={allSelected}
                onChange={(event) =>
                  setSelected(new Set(event.target.checked ? tasks.map((task) => task.id) : []))
                }
              />,
              'Task',
              'Owner',
              'Error',
              'Attempts',
              'Finished',
            ]}
          >
            {tasks.map((task) => (
              <tr key={task.id} data-testid="dead-letter-row" data-task-id={task.id}>
                <td className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label={`Select task ${task.id}`}
                    checked={selected.has(task.id)}
                    onChange={(event) => toggle(task.id, event.target.checked)}
                  />
                </td>
                <td className="px-3 py-2">
                  <span className="font-medium">{task.label}</span>
                  <span className="block font-mono text-xs text-slate-400" title={task.id}>
                    {task.id.slice(0, 8)} · {task.queue}
                  </span>
                </td>
                <td className="px-3 py-2 text-slate-600">
                  {task.ownerId ? (ownerEmails[task.ownerId] ?? task.ownerId.slice(0, 8)) : '—'}
                </td>
                <td className="min-w-48 px-3 py-2">
                  {task.error ? (
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
                  )}
                </td>
                <td className="px-3 py-2 tabular-nums text-slate-600">
                  {task.attempts} of {task.maxAttempts}
                </td>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">
                  {formatUtc(task.finishedAt)}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </div>
  );
}
