'use client';

import { useState } from 'react';
import { useAction, type ActionOutcome } from './use-action';

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * "Load older": the cursor of the next page, loading it through a server action and handing
 * its rows to `onPage`. The cursor stays until a page answers, so a failed load can be retried.
 */
export function useCursorPaging<T>({
  initialCursor,
  load,
  onPage,
  initialError = null,
}: {
  initialCursor: string | null;
  load: (cursor: string) => Promise<ActionOutcome<Page<T>>>;
  onPage: (rows: T[]) => void;
  /** Why the first page could not be read, shown until a load succeeds. */
  initialError?: string | null;
}) {
  const [cursor, setCursor] = useState(initialCursor);
  const { run, pending, error } = useAction(initialError);

  function loadMore() {
    if (!cursor) return;
    run(() => load(cursor), {
      onSuccess: (page) => {
        onPage(page.data);
        setCursor(page.nextCursor);
      },
      toast: false,
    });
  }

  return { cursor, loading: pending, error, loadMore };
}
