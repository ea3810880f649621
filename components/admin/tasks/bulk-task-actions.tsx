'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { runBulkTaskAction } from '@/server/tasks/task-actions';
import {
  ACTION_TEXT,
  summarizeOutcomes,
  tasksWord,
  type Action,
  type Outcome,
} from './bulk-summary';
import { ConfirmDialog } from '../confirm-dialog';
import { shortTaskId } from './short-id';

/**
 * "Cancel / Retry / Delete N selected": each asks in a dialog first, then acts on every
 * selected task in one request and says what became of them.
 */
export function BulkTaskActions({
  selectedIds,
  showButtons,
  onDone,
}: {
  selectedIds: string[];
  showButtons: boolean;
  onDone: () => void;
}) {
  const router = useRouter();
  const [asking, setAsking] = useState<Action | null>(null);
  const [summary, setSummary] = useState<{ text: string; failures: Outcome[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const count = selectedIds.length;

  function confirm(action: Action) {
    setError(null);
    startTransition(async () => {
      const result = await runBulkTaskAction(action, selectedIds);
      setAsking(null);
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setSummary({
        text: summarizeOutcomes(action, result.data.results),
        failures: result.data.results.filter((outcome) => !outcome.ok),
      });
      onDone();
      router.refresh();
    });
  }

  return (
    <div className="mb-3">
      <div
        role="toolbar"
        aria-label="Selected tasks"
        hidden={!showButtons}
        className="flex flex-wrap items-center gap-2"
      >
        {(Object.keys(ACTION_TEXT) as Action[]).map((action) => (
          <button
            key={action}
            type="button"
            disabled={count === 0 || pending}
            onClick={() => {
              setSummary(null);
              setAsking(action);
            }}
            className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${
              action === 'delete'
                ? 'border-red-300 bg-white text-red-700 hover:bg-red-50'
                : 'border-slate-300 bg-white hover:bg-slate-50'
            }`}
          >
            {ACTION_TEXT[action].verb} {count > 0 ? `${count} ` : ''}selected
          </button>
        ))}
        {count === 0 ? (
          <span className="text-sm text-slate-500">Select tasks to act on several at once.</span>
        ) : null}
      </div>
      {summary ? (
        <div
          role="status"
          data-testid="bulk-summary"
          className="mt-3 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm"
        >
          <p className="font-medium">{summary.text}</p>
          {summary.failures.length > 0 ? (
            <ul className="mt-1 list-inside list-disc text-slate-600">
              {summary.failures.map((failure) => (
                <li key={failure.id}>
                  <span className="font-mono text-xs">{shortTaskId(failure.id)}</span>:{' '}
                  {failure.error}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <ConfirmDialog
        open={asking !== null}
        title={asking ? `${ACTION_TEXT[asking].verb} ${tasksWord(count)}?` : ''}
        danger={asking === 'delete'}
        pending={pending}
        onConfirm={() => asking && confirm(asking)}
        onClose={() => setAsking(null)}
      >
        {asking ? ACTION_TEXT[asking].explain : null}
      </ConfirmDialog>
    </div>
  );
}
