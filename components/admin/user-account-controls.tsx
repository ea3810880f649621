'use client';

import { revokeUserApiKeys, setUserBanned } from '@/server/auth/account-actions';
import { ActionError } from '../action-error';
import { useAction, type ActionOutcome } from '../hooks/use-action';

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
  run: () => Promise<ActionOutcome<unknown>>;
}) {
  const action = useAction();
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        disabled={action.pending}
        className={buttonClass}
        onClick={() => {
          if (!window.confirm(confirmText)) return;
          action.run(run);
        }}
      >
        {action.pending ? 'Saving…' : label}
      </button>
      <ActionError message={action.error} as="span" className="max-w-xs text-xs text-red-700" />
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
