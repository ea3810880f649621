'use client';

import { ClientButton } from '../../client-button';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { runBulkTaskAction } from '@/server/tasks/task-actions';
import { ActionError } from '../../action-error';
import { useAction } from '../../hooks/use-action';
import { primaryButtonClass } from '../../styles';
import { ConfirmDialog } from '../confirm-dialog';
import {
  ACTION_TEXT,
  tasksWord,
  type Action,
  type BulkActionsView,
  type Outcome,
} from './bulk-summary';
import { shortTaskId } from '@/lib/tasks/short-task-id';

const cancelButtonClass =
  'rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50';

/**
 * "Cancel / Retry / Delete N selected" (the actions the view offers): each asks first, then
 * acts on every selected task in one request and says what became of them.
 */
export function BulkTaskActions({
  view,
  selectedIds,
  showButtons,
  onDone,
}: {
  view: BulkActionsView;
  selectedIds: string[];
  showButtons: boolean;
  onDone: () => void;
}) {
  const router = useRouter();
  // The question is for the selection it was asked about: a changed selection withdraws it.
  const [asking, setAsking] = useState<{ action: Action; count: number } | null>(null);
  const [summary, setSummary] = useState<{ text: string; failures: Outcome[] } | null>(null);
  const { run, pending, error } = useAction();
  const count = selectedIds.length;
  const question = asking && asking.count === count ? asking.action : null;

  function confirm(action: Action) {
    run(() => runBulkTaskAction(action, selectedIds), {
      onSuccess: ({ results }) => {
        setSummary({
          text: view.summarize(action, results),
          failures: results.filter((outcome) => !outcome.ok),
        });
        onDone();
        router.refresh();
      },
      onSettled: () => setAsking(null),
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
        {view.inline && question ? (
          <div
            role="group"
            aria-label={view.inline.label}
            className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm"
          >
            <span>{view.inline.question(count)}</span>
            <ClientButton
              type="button"
              onClick={() => confirm(question)}
              disabled={pending}
              className={primaryButtonClass}
            >
              {pending ? view.inline.pending : view.inline.yes}
            </ClientButton>
            <ClientButton
              type="button"
              onClick={() => setAsking(null)}
              disabled={pending}
              className={cancelButtonClass}
            >
              Cancel
            </ClientButton>
          </div>
        ) : (
          view.actions.map((action) => (
            <ClientButton
              key={action}
              type="button"
              disabled={count === 0 || pending}
              onClick={() => {
                setSummary(null);
                setAsking({ action, count });
              }}
              className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${
                action === 'delete'
                  ? 'border-red-300 bg-white text-red-700 hover:bg-red-50'
                  : 'border-slate-300 bg-white hover:bg-slate-50'
              }`}
            >
              {view.buttonText(action, count)}
            </ClientButton>
          ))
        )}
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
                  {failure.error ?? 'not done'}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <ActionError message={error} className="mt-3 text-sm text-red-700" />
      {view.inline ? null : (
        <ConfirmDialog
          open={question !== null}
          title={question ? `${ACTION_TEXT[question].verb} ${tasksWord(count)}?` : ''}
          danger={question === 'delete'}
          pending={pending}
          onConfirm={() => question && confirm(question)}
          onClose={() => setAsking(null)}
        >
          {question ? ACTION_TEXT[question].explain : null}
        </ConfirmDialog>
      )}
    </div>
  );
}
