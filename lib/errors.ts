import { formatBytes } from './format-bytes';

// Expected failures carry what the user should read; anything else is logged and replaced
// by a generic message at the edge (REST, server actions, sockets).

export interface FieldError {
  /** Dotted path of the offending field, '' for the whole input. */
  path: string;
  message: string;
}

// A registered symbol, so errors thrown by Next's bundled copy of this module are still
// recognised by the custom server's copy (instanceof would not be).
const appErrorBrand = Symbol.for('taskdeck.app-error');

export abstract class AppError extends Error {
  readonly [appErrorBrand] = true;
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'validation_failed';
  readonly title = 'Invalid request';
  constructor(
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
  readonly title = 'Authentication required';
  constructor(message = 'Sign in, or send an API key as "Authorization: Bearer <key>".') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** Only for actions whose existence is no secret (admin pages); tasks answer 404 instead. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  readonly title = 'Forbidden';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
  readonly title = 'Too many requests';
  constructor(
    readonly retryAfterSeconds: number,
    /** True for the first rejection of a window: worth one audit entry, not one per attempt. */
    readonly firstRejection = false,
  ) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} s.`);
    this.name = 'RateLimitedError';
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  readonly title = 'Not found';
  constructor(message = 'The resource does not exist.') {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
  readonly title = 'Conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** An Idempotency-Key sent again with a different request (draft-ietf-httpapi-idempotency-key). */
export class IdempotencyKeyReusedError extends AppError {
  readonly status = 422;
  readonly code = 'idempotency_key_reused';
  readonly title = 'Idempotency-Key reused';
  constructor(
    message = 'This Idempotency-Key was already used for a different request. Use a new key.',
  ) {
    super(message);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A well-formed request beyond what this caller may ask for (an admin may): 422, naming fields. */
export class LimitExceededError extends AppError {
  readonly status = 422;
  readonly code = 'limit_exceeded';
  readonly title = 'Beyond your limits';
  constructor(
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'LimitExceededError';
  }
}

/**
 * A list query stopped by its statement timeout: the filters select too much to read in time
 * (a rare combination over millions of tasks, a search whose words are everywhere).
 */
export class SearchTooBroadError extends AppError {
  readonly status = 422;
  readonly code = 'search_too_broad';
  readonly title = 'Search too broad';
  constructor(
    message = 'This search takes too long to answer. Narrow it: add a type, an owner, a status or a time range, or search for a longer text.',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SearchTooBroadError';
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  readonly title = 'Payload too large';
  constructor(
    readonly limitBytes: number,
    what = 'The upload',
  ) {
    super(`${what} is larger than the limit of ${formatBytes(limitBytes)}.`);
    this.name = 'PayloadTooLargeError';
  }
}

/** A well-formed Range that selects no byte of the file (a start past its end, an empty file). */
export class RangeNotSatisfiableError extends AppError {
  readonly status = 416;
  readonly code = 'range_not_satisfiable';
  readonly title = 'Range not satisfiable';
  constructor(
    /** The whole file's size, which the 416's Content-Range names (RFC 9110 §14.4). */
    readonly size: number,
  ) {
    super(`The requested range is not within the file's ${size} bytes.`);
    this.name = 'RangeNotSatisfiableError';
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
  readonly title = 'Unsupported media type';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** Past the number of event streams one user may hold open at once. */
export class TooManyStreamsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_streams';
  readonly title = 'Too many open streams';
  readonly retryAfterSeconds = 5;
  constructor(limit: number) {
    super(`At most ${limit} event streams may be open at once. Close one first.`);
    this.name = 'TooManyStreamsError';
  }
}

/**
 * A failure a task's processor cannot get past by trying again (a broken file, an image too
 * large): the attempt fails without retry, and the user reads its message.
 */
export class PermanentTaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentTaskError';
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
  readonly title = 'Service unavailable';
  constructor(
    message = 'A dependency is unavailable. Try again shortly.',
    /** Sent as Retry-After: an outage is usually over in seconds (a restart, a failover). */
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return typeof error === 'object' && error !== null && appErrorBrand in error;
}

/** Turns zod issues into field errors with dotted paths. */
/** Field errors by path, for a form; several for one path are joined in order. */
export function toFieldErrorMap(fieldErrors: readonly FieldError[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { path, message } of fieldErrors) {
    map[path] = map[path] ? `${map[path]} ${message}` : message;
  }
  return map;
}

export function toFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix: string[] = [],
): FieldError[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
