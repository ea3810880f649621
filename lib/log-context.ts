import { AsyncLocalStorage } from 'node:async_hooks';
import { uuid7 } from './uuid7';

// What every log line written while handling one HTTP request carries: the request's id, kept
// in an AsyncLocalStorage that the logger's mixin reads (lib/logger.ts). The custom server
// enters it for each request (server/main.ts), so it follows the request into Next's route
// handlers, server actions and pages, which run in the same process and the same async chain.

export interface LogContext {
  requestId: string;
}

// One store per process: Next bundles its own copy of this module next to the custom server's.
const globalForContext = globalThis as { __taskdeckLogContext?: AsyncLocalStorage<LogContext> };
const storage = (globalForContext.__taskdeckLogContext ??= new AsyncLocalStorage<LogContext>());

/**
 * An incoming X-Request-Id worth keeping: 8 to 64 of URI's unreserved characters (letters,
 * digits, `-._~`), starting with a letter or digit. It goes into a header, a URN and every log
 * line as it is, so anything else (longer, spaces, commas of a repeated header, quotes, control
 * characters) is replaced by one of ours.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{7,63}$/;

/** The caller's id when it is a sane one, else a new UUIDv7 (time-ordered, like our row ids). */
export function chooseRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : uuid7();
}

export function runWithLogContext<T>(context: LogContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * The `instance` of a problem answered for this request (RFC 9457 allows any URI reference):
 * a URN like the problems' `type`s (`urn:taskdeck:problem:<code>`), since nothing serves a
 * page per request, and the id after the last colon is the X-Request-Id and the log's
 * `requestId`.
 */
export function problemInstanceOf(requestId: string): string {
  return `urn:taskdeck:request:${requestId}`;
}
