'use client';

import { ClientButton } from '../client-button';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';

/** Re-reads a server-rendered page (counts move on their own) without losing the scroll position. */
export function RefreshButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ClientButton
      type="button"
      onClick={() => startTransition(() => router.refresh())}
      disabled={pending}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
    >
      {pending ? 'Refreshing…' : 'Refresh'}
    </ClientButton>
  );
}
