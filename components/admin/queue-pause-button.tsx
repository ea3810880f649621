'use client';

import { useRouter } from 'next/navigation';
import { setQueuePaused } from '@/server/queues/queue-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';

/** Pause or resume one queue for every worker; the page re-reads the queues afterwards. */
export function QueuePauseButton({ name, paused }: { name: string; paused: boolean }) {
  const router = useRouter();
  const { run, pending, error } = useAction();

  function toggle() {
    run(() => setQueuePaused(name, !paused), { onSuccess: () => router.refresh() });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={toggle}
        disabled={pending}
        aria-label={`${paused ? 'Resume' : 'Pause'} queue ${name}`}
        className={`rounded-md border px-2 py-1 text-xs font-medium disabled:cursor-not-allowed disabled:opacity-60 ${
          paused
            ? 'border-emerald-300 bg-emerald-50 text-emerald-800 hover:bg-emerald-100'
            : 'border-slate-300 bg-white text-amber-800 hover:bg-amber-50'
        }`}
      >
        {pending ? (paused ? 'Resuming…' : 'Pausing…') : paused ? 'Resume' : 'Pause'}
      </button>
      <ActionError message={error} className="max-w-xs text-xs text-red-700" />
    </div>
  );
}
