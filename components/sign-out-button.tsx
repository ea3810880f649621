'use client';

import { ClientButton } from './client-button';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/lib/auth-client';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      const result = await authClient.signOut();
      if (result.error) throw new Error(result.error.message);
      router.push('/sign-in');
      router.refresh();
    } catch {
      setFailed(true);
      setPending(false);
    }
  }

  return (
    <span className="flex items-center gap-2">
      {failed ? (
        <span role="alert" className="text-xs text-red-700">
          Sign out failed, try again.
        </span>
      ) : null}
      <ClientButton
        type="button"
        onClick={signOut}
        disabled={pending}
        className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </ClientButton>
    </span>
  );
}
