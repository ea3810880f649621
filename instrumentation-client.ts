import { z } from 'zod';
import { startNavigation } from '@/lib/navigation/pending-navigation';

// Runs in the browser before the app's own code (Next's instrumentation-client convention).
// The pages' CSP allows no eval (server/security/security-headers.ts): zod would otherwise probe
// for `new Function` to compile its parsers, which the browser reports as a violation. The
// interpreted parsers are what runs anyway once the probe fails; the server keeps compiling.
z.config({ jitless: true });

/** Next calls this as each App Router navigation starts: the progress indicator shows it. */
export function onRouterTransitionStart(url: string, type: 'push' | 'replace' | 'traverse'): void {
  startNavigation(url, type);
}
