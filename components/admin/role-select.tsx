'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { setUserRole } from '@/server/auth/account-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';

type Role = 'user' | 'admin';

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
  const [saved, setSaved] = useState(false);
  const { run, pending, error } = useAction();

  function change(next: Role) {
    if (next === value) return;
    if (
      isSelf &&
      next === 'user' &&
      !window.confirm('Remove your own admin role? You will lose access to this page.')
    ) {
      return;
    }
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
      onFailure: () => setValue(previous),
    });
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <select
          aria-label={`Role of ${email}`}
          value={value}
          disabled={pending}
          onChange={(event) => change(event.target.value as Role)}
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
    </div>
  );
}
