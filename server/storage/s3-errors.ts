import { isAppError, NotFoundError } from '@/lib/errors';
import { infrastructureErrorKind } from '@/server/infra/infra-errors';

/**
 * The object store cannot be reached or answers 5xx. server/infra/infra-errors.ts recognises it
 * by name (kind 'storage'), so the edges answer 503 with Retry-After, as for Postgres or Redis.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** S3's error names for "try again": throttling and the store's own trouble. */
const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'TimeoutError',
]);

function httpStatusOf(error: object): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** Turns an AWS SDK error into ours: a missing key is NotFoundError, an outage is a 503. */
export function toStorageError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || isAppError(error)) return error;
  const name = (error as { name?: unknown }).name;
  const status = httpStatusOf(error);
  // HeadObject has no body, so its 404 comes as a bare NotFound.
  if (name === 'NoSuchKey' || name === 'NotFound') {
    return new NotFoundError('The file does not exist.');
  }
  const outage =
    (status !== undefined && status >= 500) ||
    (typeof name === 'string' && RETRYABLE_NAMES.has(name)) ||
    infrastructureErrorKind(error) !== null;
  if (outage) {
    return new StorageUnavailableError(`The object store is unavailable: ${String(name)}`, {
      cause: error,
    });
  }
  return error;
}
