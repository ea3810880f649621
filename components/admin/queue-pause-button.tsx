'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { setQueuePaused } from '@/server/queues/queue-actions';

/** Pause or resume one queue for every worker; the page re-reads the queues afterwards. */
export function QueuePauseButton({ name, paused }: { name: string; paused: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function toggle() {
    setError(null);
    startTransition(async () => {
      const result = await setQueuePaused(name, !paused);
      if (result.ok) router.refresh();
      else setError(result.message);
    });
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
      {error ? (
        <p role="alert" className="max-w-xs text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
