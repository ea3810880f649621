'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { createInvitation } from '@/server/auth/account-actions';
import { inputClass } from '../styles';

/** An admin invites an email: the link is shown once, to copy and send. */
export function InviteForm() {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get('email') ?? '').trim();
    setError(null);
    setLink(null);
    startTransition(async () => {
      const result = await createInvitation(email);
      if (result.ok) {
        setLink(window.location.origin + result.data.path);
        form.reset();
      } else {
        setError(result.fieldErrors[0]?.message ?? result.message);
      }
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
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
