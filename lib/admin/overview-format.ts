import { formatDuration } from '@/lib/tasks/eta';

// Short texts for the admin overview's figures.

/** `350 ms`, `2.4 s`, `1 min 5 s`: run times span milliseconds to hours. */
export function formatRunTime(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(1)} s`;
  return formatDuration(ms);
}

/** `just now`, `3 s ago`, `2 min 5 s ago`. */
export function formatAgo(ms: number): string {
  if (ms < 1_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** A per-minute rate with as many decimals as small rates need: `12`, `2.5`, `0.27`. */
export function formatRate(perMinute: number): string {
  if (perMinute === 0) return '0';
  if (perMinute >= 10) return String(Math.round(perMinute));
  if (perMinute >= 1) return String(Math.round(perMinute * 10) / 10);
  return String(Math.round(perMinute * 100) / 100);
}

/** `diagnostics ×16`, the way a worker's queues read in one line each. */
export function describeQueueConcurrency(queue: string, concurrency: number | undefined): string {
  return concurrency === undefined ? queue : `${queue} ×${concurrency}`;
}
