'use client';

import { ClientButton } from './client-button';

/** "Load older …" under a list paged by useCursorPaging: shown while there is an older page. */
export function LoadOlderButton({
  paging,
  text,
  className,
}: {
  paging: { cursor: string | null; loading: boolean; loadMore: () => void };
  text: string;
  className: string;
}) {
  if (!paging.cursor) return null;
  return (
    <ClientButton
      type="button"
      onClick={paging.loadMore}
      disabled={paging.loading}
      className={`rounded-md border border-slate-300 bg-white text-sm font-medium hover:bg-slate-50 disabled:opacity-60 ${className}`}
    >
      {paging.loading ? 'Loading…' : text}
    </ClientButton>
  );
}
