import { z } from 'zod';

// Runs in the browser before the app's own code (Next's instrumentation-client convention).
// The pages' CSP allows no eval (server/security/security-headers.ts): zod would otherwise probe
// for `new Function` to compile its parsers, which the browser reports as a violation. The
// interpreted parsers are what runs anyway once the probe fails; the server keeps compiling.
z.config({ jitless: true });
