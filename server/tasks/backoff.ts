import type { TaskDefaults } from './task-type';

/**
 * The wait before the next attempt, after `failedAttempts` attempts have failed. Jitter takes a
 * random part off (never adds), so the configured delay is an upper bound users can rely on.
 */
export function computeBackoffMs(
  backoff: TaskDefaults['backoff'],
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const base =
    backoff.type === 'fixed'
      ? backoff.delayMs
      : backoff.delayMs * 2 ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(base, backoff.maxDelayMs ?? Number.POSITIVE_INFINITY);
  const jitter = Math.min(1, Math.max(0, backoff.jitter ?? 0.2));
  return Math.round(capped * (1 - jitter * random()));
}
