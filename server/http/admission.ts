import { getEnv } from '@/lib/env';
import { ServiceUnavailableError } from '@/lib/errors';
import { errorToProblem } from './problem';

// Admission control for the REST write path. Each write holds database connections for a few
// milliseconds, and the pool queues the rest; a flood larger than the pool can drain in time
// would only turn into slow failures. So past a fixed number of writes in flight in this
// process (running, or waiting for a connection), the next is refused at once with 503 and
// Retry-After, before it authenticates or touches the database.

export const ADMISSION_RETRY_AFTER_SECONDS = 1;

/** Counts requests in flight; `tryEnter` either takes a place or refuses at once. */
export class AdmissionGate {
  private inFlight = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.inFlight;
  }

  /** A place was free: returns its release (idempotent). None was: returns null. */
  tryEnter(): (() => void) | null {
    if (this.inFlight >= this.limit) return null;
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }
}

// One gate per process: route handlers run in Next's bundle of this module and the upload
// endpoint in the custom server's, so the gate lives on globalThis, as the clients do.
const globalForAdmission = globalThis as { __taskdeckAdmissionGate?: AdmissionGate };

export function getAdmissionGate(): AdmissionGate {
  globalForAdmission.__taskdeckAdmissionGate ??= new AdmissionGate(getEnv().API_ADMISSION_LIMIT);
  return globalForAdmission.__taskdeckAdmissionGate;
}

function admissionRefusal(): Response {
  return errorToProblem(
    new ServiceUnavailableError(
      'Too many requests are being processed. Try again shortly.',
      ADMISSION_RETRY_AFTER_SECONDS,
    ),
  );
}

/**
 * Wraps a handler that answers with a Response (a route handler, the upload endpoint) so it
 * runs only with a place in the gate, released when it has answered, however it ends.
 */
export function withAdmission<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
  gate: () => AdmissionGate = getAdmissionGate,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    const release = gate().tryEnter();
    if (!release) return admissionRefusal();
    try {
      return await handler(...args);
    } finally {
      release();
    }
  };
}
