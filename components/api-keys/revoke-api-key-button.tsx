'use client';

import { ClientButton } from '../client-button';
import { useState } from 'react';
import { revokeApiKey } from '@/server/auth/api-key-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';

/** Revoke, then confirm: one click alone never breaks an integration. */
export function RevokeApiKeyButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const { run, pending, error, clear } = useAction();

  function revoke() {
    run(() => revokeApiKey(id), {
      onSuccess: () => setConfirming(false),
      toast: 'API key revoked',
    });
  }

  if (!confirming) {
    return (
      <ClientButton
        type="button"
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${name}`}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50"
      >
        Revoke
      </ClientButton>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <div
        className="flex items-center gap-2 whitespace-nowrap"
        role="group"
        aria-label={`Revoke ${name} for good?`}
      >
        <ClientButton
          type="button"
          onClick={revoke}
          disabled={pending}
          className="rounded-md bg-red-600 px-2 py-1 text-xs font-semibold text-white hover:bg-red-700 disabled:opacity-60"
        >
          {pending ? 'Revoking…' : 'Yes, revoke'}
        </ClientButton>
        <ClientButton
          type="button"
          onClick={() => {
            setConfirming(false);
            clear();
          }}
          disabled={pending}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50"
        >
          Cancel
        </ClientButton>
      </div>
      <ActionError message={error} className="text-xs text-red-700" />
    </div>
  );
}
