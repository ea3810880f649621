'use client';

import { useState, useTransition } from 'react';
import { revokeUserApiKeys, setUserBanned } from '@/server/auth/account-actions';

const buttonClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium shadow-sm hover:bg-slate-50 disabled:opacity-60';

/** One action on a user, with a confirm first and the server's message on failure. */
function ConfirmedButton({
  label,
  confirmText,
  run,
}: {
  label: string;
  confirmText: string;
  run: () => Promise<{ ok: true } | { ok: false; message: string }>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        disabled={pending}
        className={buttonClass}
        onClick={() => {
          if (!window.confirm(confirmText)) return;
          setError(null);
          startTransition(async () => {
            const result = await run();
            if (!result.ok) setError(result.message);
          });
        }}
      >
        {pending ? 'Saving…' : label}
      </button>
      {error ? (
        <span role="alert" className="max-w-xs text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}

export function BanButton({
  userId,
  email,
  banned,
}: {
  userId: string;
  email: string;
  banned: boolean;
}) {
  return banned ? (
    <ConfirmedButton
      label="Unban"
      confirmText={`Unban ${email}? They can sign in again and their API keys work again.`}
      run={() => setUserBanned(userId, false)}
    />
  ) : (
    <ConfirmedButton
      label="Ban"
      confirmText={`Ban ${email}? They are signed out now, cannot sign in, and their API keys stop working.`}
      run={() => setUserBanned(userId, true)}
    />
  );
}

export function RevokeKeysButton({ userId, email }: { userId: string; email: string }) {
  return (
    <ConfirmedButton
      label="Revoke keys"
      confirmText={`Revoke every API key of ${email}? Integrations using them stop working now.`}
      run={() => revokeUserApiKeys(userId)}
    />
  );
}
