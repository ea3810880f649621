'use client';

import { ClientButton } from './client-button';
import { useState } from 'react';
import { cancelTask, retryTask } from '@/server/tasks/task-actions';
import { ActionError } from './action-error';
import { useAction } from './hooks/use-action';
import { ConfirmDialog } from './admin/confirm-dialog';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { isCancellable, isRetryable, type TaskView } from '@/lib/tasks/task-view';

const buttonClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60';

/**
 * Cancel while the task can still be stopped, Retry once it has failed or been cancelled.
 * The action's answer is merged at once (onChanged), so the row does not wait for the live event.
 * Cancelling a running task is asked first: its processor stops and the work done is lost. A task
 * that has not started (queued, delayed, waiting to retry) loses nothing and can be retried, so
 * it is cancelled in one click.
 */
export function TaskActions({
  task,
  onChanged,
}: {
  task: Pick<TaskView, 'id' | 'status' | 'label'>;
  onChanged: (task: TaskView) => void;
}) {
  const { run: runAction, pending, error } = useAction();
  const [running, setRunning] = useState<'cancel' | 'retry' | null>(null);
  const [asking, setAsking] = useState(false);
  const showCancel = isCancellable(task.status) || task.status === 'cancelling';
  const showRetry = isRetryable(task.status);
  if (!showCancel && !showRetry && !error) return null;

  function run(kind: 'cancel' | 'retry') {
    setRunning(kind);
    runAction(() => (kind === 'cancel' ? cancelTask(task.id) : retryTask(task.id)), {
      onSuccess: onChanged,
      toast: kind === 'cancel' ? 'Cancel requested' : 'Retry queued',
      onSettled: () => {
        setRunning(null);
        setAsking(false);
      },
    });
  }

  const cancelling = task.status === 'cancelling' || (pending && running === 'cancel');
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        {showCancel ? (
          <ClientButton
            type="button"
            onClick={() => (task.status === 'running' ? setAsking(true) : run('cancel'))}
            disabled={cancelling || pending}
            className={`${buttonClass} text-amber-800`}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </ClientButton>
        ) : null}
        {showRetry ? (
          <ClientButton
            type="button"
            onClick={() => run('retry')}
            disabled={pending}
            className={`${buttonClass} text-blue-700`}
          >
            {pending && running === 'retry' ? 'Retrying…' : 'Retry'}
          </ClientButton>
        ) : null}
      </div>
      <ActionError
        message={error}
        testId="task-action-error"
        className="max-w-xs text-xs text-red-700"
      />
      <ConfirmDialog
        open={asking && task.status === 'running'}
        title={`Cancel the running task ${task.label} (${shortTaskId(task.id)})?`}
        danger
        pending={pending}
        onConfirm={() => run('cancel')}
        onClose={() => setAsking(false)}
      >
        Its processor is asked to stop; work done so far is lost. You can retry it afterwards, from
        the start.
      </ConfirmDialog>
    </div>
  );
}
