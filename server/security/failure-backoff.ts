import { RateLimitedError } from '@/lib/errors';
import { getRedis } from '@/server/infra/clients';
import { groupedRedisKey } from '@/server/queues/queue-clients';
import { bestEffort } from './rate-limit';

// Exponential backoff on failures of one subject (a sign-in's email and address): the
// `failuresBeforeLock`-th failure locks the subject for baseSeconds, each further one for twice
// as long as the last, up to maxSeconds. A success forgets them. Counted in Redis across web nodes; best effort like the
// fixed windows (rate-limit.ts): while Redis is down nothing is counted.

export interface BackoffPolicy {
  failuresBeforeLock: number;
  baseSeconds: number;
  maxSeconds: number;
  /** How long failures are remembered after the last one. */
  memorySeconds: number;
}

function keysOf(subject: string) {
  return {
    failures: groupedRedisKey(['ratelimit', 'backoff', subject], 'failures'),
    lock: groupedRedisKey(['ratelimit', 'backoff', subject], 'lock'),
  };
}

/** The lock's length after `failures` failures, in seconds (0: not locked). */
export function backoffSeconds(failures: number, policy: BackoffPolicy): number {
  const beyond = failures - policy.failuresBeforeLock;
  if (beyond < 0) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.min(beyond, 30));
}

/** Throws RateLimitedError (with the seconds left) while the subject is locked. */
export async function assertNotLockedOut(subject: string): Promise<void> {
  const { lock } = keysOf(subject);
  const left = await bestEffort(subject, () => getRedis().pttl(lock));
  if (left !== null && left > 0) throw new RateLimitedError(Math.ceil(left / 1000));
}

/** Counts a failure; returns the lock it started, in seconds (0 before failuresBeforeLock). */
export async function recordFailure(subject: string, policy: BackoffPolicy): Promise<number> {
  const { failures, lock } = keysOf(subject);
  const counted = await bestEffort(subject, () =>
    getRedis().multi().incr(failures).expire(failures, policy.memorySeconds).exec(),
  );
  const count = Number(counted?.[0]?.[1] ?? 0);
  const seconds = backoffSeconds(count, policy);
  if (seconds > 0) await bestEffort(subject, () => getRedis().set(lock, '1', 'EX', seconds));
  return seconds;
}

export async function forgetFailures(subject: string): Promise<void> {
  const { failures, lock } = keysOf(subject);
  await bestEffort(subject, () => getRedis().del(failures, lock));
}
