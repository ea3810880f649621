'use client';

import { ClientButton } from '../client-button';
import { useState } from 'react';
import { revokeUserApiKeys, setUserBanned } from '@/server/auth/account-actions';
import { ActionError } from '../action-error';
import { useAction, type ActionOutcome } from '../hooks/use-action';
import { ConfirmDialog } from './confirm-dialog';

const buttonClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium shadow-sm hover:bg-slate-50 disabled:opacity-60';

/** One action on a user, asked first in a dialog, with the server's message on failure. */
function ConfirmedButton({
  label,
  question,
  explain,
  danger = true,
  run,
  done,
}: {
  label: string;
  /** The toast once done. */
  done: string;
  question: string;
  explain: string;
  danger?: boolean;
  run: () => Promise<ActionOutcome<unknown>>;
}) {
  const action = useAction();
  const [asking, setAsking] = useState(false);
  return (
    <span className="inline-flex flex-col gap-1">
      <ClientButton
        type="button"
        disabled={action.pending}
        className={buttonClass}
        onClick={() => setAsking(true)}
      >
        {action.pending ? 'Saving…' : label}
      </ClientButton>
      <ActionError message={action.error} as="span" className="max-w-xs text-xs text-red-700" />
      <ConfirmDialog
        open={asking}
        title={question}
        danger={danger}
        pending={action.pending}
        onConfirm={() => action.run(run, { toast: done, onSettled: () => setAsking(false) })}
        onClose={() => setAsking(false)}
      >
        {explain}
      </ConfirmDialog>
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
      question={`Unban ${email}?`}
      explain="They can sign in again and their API keys work again."
      danger={false}
      run={() => setUserBanned(userId, false)}
      done={`${email} unbanned`}
    />
  ) : (
    <ConfirmedButton
      label="Ban"
      question={`Ban ${email}?`}
      explain="They are signed out now, cannot sign in, and their API keys stop working."
      run={() => setUserBanned(userId, true)}
      done={`${email} banned`}
    />
  );
}

export function RevokeKeysButton({ userId, email }: { userId: string; email: string }) {
  return (
    <ConfirmedButton
      label="Revoke keys"
      question={`Revoke every API key of ${email}?`}
      explain="Integrations using them stop working now."
      run={() => revokeUserApiKeys(userId)}
      done={`API keys of ${email} revoked`}
    />
  );
}
