// Which App Router navigation is under way, told by instrumentation-client.ts (Next's
// onRouterTransitionStart hook, which runs outside React) and read by the progress indicator
// (components/navigation-progress.tsx). Next has no "transition end" hook: the indicator ends a
// navigation itself once the address has changed.

/** A navigation started from `from` (path and query) towards `to`. */
export interface PendingNavigation {
  from: string;
  to: string;
}

let pending: PendingNavigation | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/** Path and query of a URL, the part whose change means a new page. */
export function toPathAndQuery(url: string, base: string): string {
  const parsed = new URL(url, base);
  return parsed.pathname + parsed.search;
}

/**
 * Called as a navigation starts. Back and forward ('traverse') change the address at once and
 * are served from the router's cache, and a link to the page already shown (or to a hash on
 * it) changes nothing the indicator could wait for: those show nothing.
 */
export function startNavigation(url: string, type: 'push' | 'replace' | 'traverse'): void {
  if (type === 'traverse') return;
  const here = window.location.href;
  const from = toPathAndQuery(here, here);
  const to = toPathAndQuery(url, here);
  if (to === from) return;
  pending = { from, to };
  notify();
}

/** Called by the indicator when the address is no longer where the navigation started. */
export function endNavigation(): void {
  if (pending === null) return;
  pending = null;
  notify();
}

export function readPendingNavigation(): PendingNavigation | null {
  return pending;
}

export function subscribeToNavigation(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
