'use client';

import { useState } from 'react';
import { setCompletionEmails } from '@/server/email/notification-actions';
import { useAction } from '@/components/hooks/use-action';

/** Saves on change; the box shows what is stored, so a failed save flips it back. */
export function CompletionEmailsToggle({ initial }: { initial: boolean }) {
  const [enabled, setEnabled] = useState(initial);
  // useAction: a lost connection is a message here, not the error page, and success toasts.
  const { run, pending, failure } = useAction();

  function change(next: boolean) {
    setEnabled(next);
    run(() => setCompletionEmails(next), {
      onSuccess: (saved) => setEnabled(saved.completionEmails),
      onFailure: () => setEnabled(!next),
      toast: (saved) => (saved.completionEmails ? 'Completion emails on' : 'Completion emails off'),
    });
  }

  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          name="completionEmails"
          checked={enabled}
          disabled={pending}
          onChange={(event) => change(event.target.checked)}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-blue-600 focus:ring-blue-500"
        />
        <span>
          <span className="font-medium text-slate-900">Email me when my tasks finish</span>
          <span className="mt-0.5 block text-slate-600">
            One email per task that succeeds or fails, with a link to it. Cancelled tasks send
            nothing.
          </span>
        </span>
      </label>
      <p role="alert" className="mt-2 min-h-5 text-xs text-red-700">
        {pending ? <span className="text-slate-500">Saving…</span> : (failure?.message ?? '')}
      </p>
    </div>
  );
}
