'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import {
  endNavigation,
  readPendingNavigation,
  subscribeToNavigation,
  toPathAndQuery,
} from '@/lib/navigation/pending-navigation';

// A navigation that never changes the address (a redirect back to the same page) must not
// leave the indicator up for good.
const GIVE_UP_MS = 20_000;

function usePendingNavigation() {
  return useSyncExternalStore(subscribeToNavigation, readPendingNavigation, () => null);
}

/** Ends the pending navigation once the address has moved on (search changes count too). */
function NavigationEnder() {
  const pending = usePendingNavigation();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  useEffect(() => {
    if (pending === null) return;
    const here = toPathAndQuery(window.location.href, window.location.href);
    if (here !== pending.from) {
      endNavigation();
      return;
    }
    const timer = window.setTimeout(endNavigation, GIVE_UP_MS);
    return () => window.clearTimeout(timer);
  }, [pending, pathname, searchParams]);
  return null;
}

/**
 * The page's main region, marked busy while a navigation away from it loads, with a thin bar
 * at the top of the window (shown only after a moment, so fast navigations do not flash it)
 * and "Loading…" for screen readers. No loading.tsx: a Suspense boundary above a page makes
 * its notFound() answer 200 instead of 404 (the admin pages and a task page rely on the 404).
 */
export function PageMain({ className, children }: { className: string; children: ReactNode }) {
  const pending = usePendingNavigation();
  const busy = pending !== null;
  return (
    <>
      <div
        aria-hidden="true"
        data-testid="navigation-progress"
        data-state={busy ? 'loading' : 'idle'}
        className={busy ? 'navigation-progress' : 'hidden'}
      />
      <p role="status" className="sr-only">
        {busy ? 'Loading…' : ''}
      </p>
      <Suspense fallback={null}>
        <NavigationEnder />
      </Suspense>
      <main aria-busy={busy} className={className}>
        {children}
      </main>
    </>
  );
}
