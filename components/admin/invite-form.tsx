'use client';

import { useState, type FormEvent } from 'react';
import { createInvitation } from '@/server/auth/account-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';
import { inputClass } from '../styles';

/** An admin invites an email: the link is shown once, to copy and send. */
export function InviteForm() {
  const [link, setLink] = useState<string | null>(null);
  const { run, pending, failure } = useAction();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get('email') ?? '').trim();
    setLink(null);
    run(() => createInvitation(email), {
      onSuccess: (invitation) => {
        setLink(window.location.origin + invitation.path);
        form.reset();
      },
      toast: `Invitation made for ${email}`,
    });
  }

  return (
    <form onSubmit={submit} aria-label="Invite someone" className="flex flex-col gap-2">
      <div className="flex items-end gap-2">
        <label className="block text-sm font-medium text-slate-700">
          Invite by email
          <input name="email" type="email" required maxLength={320} className={inputClass} />
        </label>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-blue-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-700 disabled:opacity-60"
        >
          {pending ? 'Inviting…' : 'Invite'}
        </button>
      </div>
      {link ? (
        <p className="text-sm text-slate-700">
          Send this link (it works once, for 7 days, and is not shown again):{' '}
          <code data-testid="invitation-link" className="break-all rounded bg-slate-100 px-1">
            {link}
          </code>
        </p>
      ) : null}
      <ActionError message={failure && (failure.fieldErrors[0]?.message ?? failure.message)} />
    </form>
  );
}
