'use client';

import { ClientButton } from '../client-button';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { setQueuePaused } from '@/server/queues/queue-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';
import { ConfirmDialog } from './confirm-dialog';

/**
 * Pause or resume one queue for every worker; the page re-reads the queues afterwards. Pausing
 * stops work for everyone, so it is asked first; resuming only lets waiting work go on, so it is not.
 */
export function QueuePauseButton({ name, paused }: { name: string; paused: boolean }) {
  const router = useRouter();
  const { run, pending, error } = useAction();
  const [asking, setAsking] = useState(false);

  function toggle() {
    run(() => setQueuePaused(name, !paused), {
      onSuccess: () => router.refresh(),
      toast: paused ? `Queue ${name} resumed` : `Queue ${name} paused`,
      onSettled: () => setAsking(false),
    });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <ClientButton
        type="button"
        onClick={() => (paused ? toggle() : setAsking(true))}
        disabled={pending}
        aria-label={`${paused ? 'Resume' : 'Pause'} queue ${name}`}
        className={`rounded-md border px-2 py-1 text-xs font-medium disabled:cursor-not-allowed disabled:opacity-60 ${
          paused
            ? 'border-emerald-300 bg-emerald-50 text-emerald-800 hover:bg-emerald-100'
            : 'border-slate-300 bg-white text-amber-800 hover:bg-amber-50'
        }`}
      >
        {pending ? (paused ? 'Resuming…' : 'Pausing…') : paused ? 'Resume' : 'Pause'}
      </ClientButton>
      <ActionError message={error} className="max-w-xs text-xs text-red-700" />
      <ConfirmDialog
        open={asking && !paused}
        title={`Pause the ${name} queue?`}
        danger
        pending={pending}
        onConfirm={toggle}
        onClose={() => setAsking(false)}
      >
        Waiting tasks stay queued and no new ones start until it is resumed; running ones finish.
      </ConfirmDialog>
    </div>
  );
}
