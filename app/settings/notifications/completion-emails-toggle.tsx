'use client';

import { useState, useTransition } from 'react';
import { setCompletionEmails } from '@/server/email/notification-actions';

/** Saves on change; the box shows what is stored, so a failed save flips it back. */
export function CompletionEmailsToggle({ initial }: { initial: boolean }) {
  const [enabled, setEnabled] = useState(initial);
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function change(next: boolean) {
    setEnabled(next);
    setStatus(null);
    startTransition(async () => {
      const result = await setCompletionEmails(next);
      if (result.ok) {
        setEnabled(result.data.completionEmails);
        setStatus({ error: false, text: 'Saved.' });
      } else {
        setEnabled(!next);
        setStatus({ error: true, text: result.message });
      }
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
      <p
        role={status?.error ? 'alert' : 'status'}
        className={`mt-2 min-h-5 text-xs ${status?.error ? 'text-red-700' : 'text-slate-500'}`}
      >
        {pending ? 'Saving…' : (status?.text ?? '')}
      </p>
    </div>
  );
}
