'use client';

import { ClientButton } from '../../client-button';
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import type { FilterBulkPreview } from '@/lib/tasks/filter-bulk-inputs';
import type { TaskView } from '@/lib/tasks/task-view';
import { previewFilterBulkAction, runFilterBulkAction } from '@/server/tasks/task-actions';
import { ActionError } from '../../action-error';
import { useAction } from '../../hooks/use-action';
import { ConfirmDialog } from '../confirm-dialog';
import { ACTION_TEXT, tasksWord, type Action } from './bulk-summary';
import { FilterBulkProgress } from './filter-bulk-progress';

// "All that match this filter": counts first (how many match, how many each action would
// change), then one action over all of them, asked in the confirm dialog. The server starts a
// `tasks.bulk` task that re-reads the filter and acts in batches (server/tasks/
// filter-bulk-run.ts); its progress shows here live, and the list refreshes when it ends.

const buttonClass =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50';

function describePreview(preview: FilterBulkPreview, actions: readonly Action[]): string {
  const matching = `${preview.exact ? '' : 'More than '}${tasksWord(preview.matching)} match`;
  const parts = actions.map(
    (action) => `${preview.actionable[action]} can be ${ACTION_TEXT[action].done}`,
  );
  return `${matching}: ${parts.join(', ')}.`;
}

export function FilterBulkActions({
  filter,
  actions,
  scopeText,
  hasMatches,
}: {
  /** The list's filter as its URL holds it, without the page. */
  filter: Record<string, string | undefined>;
  actions: readonly Action[];
  /** What "all" means here, e.g. "all tasks that match these filters". */
  scopeText: string;
  /**
   * Whether the list shows any task. Without, there is nothing to act on, but a bulk task that
   * emptied the list still shows how it ended (the section stays mounted across the refresh).
   */
  hasMatches: boolean;
}) {
  const router = useRouter();
  const [preview, setPreview] = useState<FilterBulkPreview | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);
  const [started, setStarted] = useState<TaskView | null>(null);
  const counting = useAction();
  const acting = useAction();

  function count() {
    setStarted(null);
    counting.run(() => previewFilterBulkAction(filter), { onSuccess: setPreview });
  }

  function confirm(action: Action) {
    acting.run(() => runFilterBulkAction(action, filter), {
      onSuccess: (task) => {
        setStarted(task);
        setPreview(null);
      },
      toast: `${ACTION_TEXT[action].verb} started over the filter`,
      onSettled: () => setAsking(null),
    });
  }

  const askedCount = asking && preview ? preview.actionable[asking] : 0;
  // The list and its counts change once the bulk task is done.
  const refresh = useCallback(() => router.refresh(), [router]);
  if (!hasMatches && !started) return null;

  return (
    <section
      aria-label="Act on all matching tasks"
      data-testid="filter-bulk"
      className="mb-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        {hasMatches ? (
          <ClientButton
            type="button"
            onClick={count}
            disabled={counting.pending}
            className={buttonClass}
          >
            {counting.pending ? 'Counting…' : `Act on ${scopeText}…`}
          </ClientButton>
        ) : null}
        {preview ? (
          <>
            <p data-testid="filter-bulk-preview" className="text-slate-700">
              {describePreview(preview, actions)}
            </p>
            {actions.map((action) => {
              const n = preview.actionable[action];
              return (
                <ClientButton
                  key={action}
                  type="button"
                  disabled={n === 0 || n > preview.cap || acting.pending}
                  onClick={() => setAsking(action)}
                  className={
                    action === 'delete'
                      ? `${buttonClass} border-red-300 text-red-700 hover:bg-red-50`
                      : buttonClass
                  }
                >
                  {`${ACTION_TEXT[action].verb} ${n.toLocaleString('en')} matching`}
                </ClientButton>
              );
            })}
          </>
        ) : null}
      </div>
      {preview && actions.some((action) => preview.actionable[action] > preview.cap) ? (
        <p className="mt-2 text-amber-800">
          At most {preview.cap.toLocaleString('en')} tasks at once: narrow the filters (a type, a
          status or a time range) and repeat.
        </p>
      ) : null}
      {started ? <FilterBulkProgress key={started.id} task={started} onFinished={refresh} /> : null}
      <ActionError message={counting.error ?? acting.error} className="mt-2 text-red-700" />
      <ConfirmDialog
        open={asking !== null}
        title={asking ? `${ACTION_TEXT[asking].verb} ${tasksWord(askedCount)} that match?` : ''}
        danger={asking === 'delete'}
        pending={acting.pending}
        onConfirm={() => asking && confirm(asking)}
        onClose={() => setAsking(null)}
      >
        {asking ? (
          <>
            This acts on every one of {scopeText}, not only this page. {ACTION_TEXT[asking].explain}
          </>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
