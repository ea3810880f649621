'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { setUserRole } from '@/server/auth/account-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';
import { ConfirmDialog } from './confirm-dialog';

type Role = 'user' | 'admin';

/** What changing the role would do, asked before it is sent: every change of role is asked. */
function describeChange(email: string, next: Role, isSelf: boolean) {
  if (next === 'admin') {
    return {
      title: `Make ${email} an admin?`,
      body: 'They will see and control every task, queue, schedule and user.',
    };
  }
  if (isSelf) {
    return {
      title: 'Remove your own admin role?',
      body: 'You lose access to the admin pages at once; another admin has to give it back.',
    };
  }
  return {
    title: `Remove the admin role of ${email}?`,
    body: 'They keep their account and their own tasks, but lose the admin pages and control over everyone else’s work.',
  };
}

export function RoleSelect({
  userId,
  email,
  role,
  isSelf,
}: {
  userId: string;
  email: string;
  role: Role;
  isSelf: boolean;
}) {
  const router = useRouter();
  const [value, setValue] = useState<Role>(role);
  // The role asked about; the select keeps showing the current one until it is confirmed.
  const [asking, setAsking] = useState<Role | null>(null);
  const [saved, setSaved] = useState(false);
  const { run, pending, error } = useAction();

  function change(next: Role) {
    const previous = value;
    setValue(next);
    setSaved(false);
    run(() => setUserRole(userId, next), {
      onSuccess: () => {
        setSaved(true);
        if (isSelf && next === 'user') {
          router.push('/');
          router.refresh();
        }
      },
      toast: next === 'admin' ? 'Made an admin' : 'Now a user',
      onFailure: () => setValue(previous),
      onSettled: () => setAsking(null),
    });
  }

  const question = asking ? describeChange(email, asking, isSelf) : null;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <select
          aria-label={`Role of ${email}`}
          value={value}
          disabled={pending}
          onChange={(event) => {
            const next = event.target.value as Role;
            if (next !== value) setAsking(next);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500 disabled:opacity-60"
        >
          <option value="user">user</option>
          <option value="admin">admin</option>
        </select>
        <span aria-live="polite" className="text-xs text-slate-500">
          {pending ? 'Saving…' : saved ? 'Saved' : null}
        </span>
      </div>
      <ActionError message={error} className="max-w-xs text-xs text-red-700" />
      <ConfirmDialog
        open={question !== null}
        title={question?.title ?? ''}
        danger={asking === 'admin' || isSelf}
        pending={pending}
        onConfirm={() => asking && change(asking)}
        onClose={() => setAsking(null)}
      >
        {question?.body}
      </ConfirmDialog>
    </div>
  );
}
