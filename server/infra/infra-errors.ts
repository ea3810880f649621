import { isAppError, ServiceUnavailableError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';

// Tells an outage of PostgreSQL or Redis (unreachable, restarting, out of connections) from a
// bug or a bad request, so the edges answer 503 with Retry-After instead of 500. The shapes
// below were produced against real clients (tests/integration/infra-errors.test.ts): Prisma 7
// with @prisma/adapter-pg reports most of them as PrismaClientKnownRequestError whose
// `meta.driverAdapterError.cause` names the kind; a few pg errors pass through unwrapped.

export type InfrastructureKind = 'postgres' | 'redis' | 'storage' | 'network';

/** Prisma's own codes for "the database is not there right now". */
const PRISMA_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server timed out
  'P1008', // operations timed out (SocketTimeout)
  'P1017', // server closed the connection (ConnectionClosed)
  'P2024', // timed out fetching a connection from the pool
  'P2028', // transaction API error: could not start one in time, or it expired waiting
  'P2037', // too many database connections (TooManyConnections)
]);

/** @prisma/adapter-pg's kinds (DriverAdapterError.cause.kind) that mean an outage. */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

// SQLSTATE: class 08 is connection exceptions; 57P01-03 a server shutting down, crashed or
// starting; 53300 too_many_connections.
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

const PG_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);

// Replies of a Redis that is loading its data, failing over, or full (noeviction refusing
// writes): all pass once Redis is back or has room.
const REDIS_REPLIES = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM) /;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

type Node = Record<string, unknown>;

function classifyNode(node: Node): InfrastructureKind | null {
  const { name, message } = node;
  const code = typeof node.code === 'string' ? node.code : undefined;
  // PrismaClientInitializationError carries its code as errorCode.
  const prismaCode = code ?? (typeof node.errorCode === 'string' ? node.errorCode : undefined);
  if (prismaCode && PRISMA_CODES.has(prismaCode)) return 'postgres';
  if (typeof node.kind === 'string') {
    if (ADAPTER_KINDS.has(node.kind)) return 'postgres';
    const original = node.originalCode ?? node.code;
    if (node.kind === 'postgres' && typeof original === 'string' && SQLSTATE.test(original)) {
      return 'postgres';
    }
  }
  // A pg DatabaseError: a SQLSTATE with a severity.
  if (code && typeof node.severity === 'string' && SQLSTATE.test(code)) return 'postgres';
  if (typeof name === 'string' && REDIS_NAMES.has(name)) return 'redis';
  // Raised by the S3 driver (server/storage/s3-errors.ts) for a store down or answering 5xx.
  if (name === 'StorageUnavailableError') return 'storage';
  if (typeof message === 'string') {
    if (PG_MESSAGES.includes(message)) return 'postgres';
    if (message === 'Connection is closed.' || message.startsWith("Stream isn't writeable")) {
      return 'redis';
    }
    if (name === 'ReplyError' && REDIS_REPLIES.test(message)) return 'redis';
  }
  if (code && NETWORK_CODES.has(code)) return 'network';
  return null;
}

/** What an error hides: its cause, an AggregateError's errors, Prisma's driver adapter error. */
function childrenOf(node: Node): unknown[] {
  const children: unknown[] = [node.cause];
  if (Array.isArray(node.errors)) children.push(...(node.errors as unknown[]));
  const meta = node.meta;
  if (typeof meta === 'object' && meta !== null) {
    children.push((meta as Node).driverAdapterError);
  }
  return children;
}

/**
 * Which dependency an error says is unavailable, or null for any other error. Walks causes
 * (depth-first, cycles ignored): the most specific answer wins, so a connection reset under a
 * Prisma error is 'postgres', a bare one 'network'.
 */
export function infrastructureErrorKind(error: unknown): InfrastructureKind | null {
  const seen = new Set<unknown>();
  let fallback: InfrastructureKind | null = null;
  const stack: unknown[] = [error];
  while (stack.length > 0 && seen.size < 50) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const kind = classifyNode(current as Node);
    if (kind === 'postgres' || kind === 'redis' || kind === 'storage') return kind;
    if (kind) fallback = kind;
    stack.push(...childrenOf(current as Node));
  }
  return fallback;
}

export function isInfrastructureError(error: unknown): boolean {
  return infrastructureErrorKind(error) !== null;
}

/** What a person reads when a dependency is down. */
export function describeOutage(kind: InfrastructureKind): string {
  switch (kind) {
    case 'postgres':
      return 'Taskdeck cannot reach its database right now. Try again in a few seconds.';
    case 'redis':
      return 'Taskdeck cannot reach its job queue (Redis) right now. Try again in a few seconds.';
    case 'storage':
      return 'Taskdeck cannot reach its file storage right now. Try again in a few seconds.';
    default:
      return 'Taskdeck cannot reach a service it depends on right now. Try again in a few seconds.';
  }
}

/**
 * The ServiceUnavailableError an outage becomes at the edges (503, Retry-After, a clear
 * message), with the original as its cause; null when the error is not an outage.
 */
export function toServiceUnavailable(
  error: unknown,
): { kind: InfrastructureKind; error: ServiceUnavailableError } | null {
  const kind = infrastructureErrorKind(error);
  if (!kind) return null;
  return {
    kind,
    error: new ServiceUnavailableError(describeOutage(kind), undefined, { cause: error }),
  };
}

/**
 * For the edges (REST, server actions, uploads): an outage becomes its ServiceUnavailableError,
 * logged here as a warning with the context (an outage is not a bug); any other error passes.
 */
export function replaceOutage(thrown: unknown, context: Record<string, unknown>): unknown {
  if (isAppError(thrown)) return thrown;
  const outage = toServiceUnavailable(thrown);
  if (!outage) return thrown;
  getLogger().warn(
    { err: thrown, dependency: outage.kind, ...context },
    'dependency unavailable: answered 503',
  );
  return outage.error;
}
