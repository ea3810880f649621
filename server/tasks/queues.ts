// The named queues task types route to. Concurrency is per worker process (WORKER_CONCURRENCY
// overrides it); the rate limit is BullMQ's, shared by every worker of the queue.

export interface QueueConfig {
  name: string;
  description: string;
  /** Jobs of this queue one worker process runs at once. */
  concurrency: number;
  /** At most `max` jobs started per `durationMs`, across all workers. */
  rateLimit?: { max: number; durationMs: number };
}

const QUEUES: readonly QueueConfig[] = [
  {
    name: 'reports',
    description: 'Reports read the task history in bulk; a few at a time keep Postgres responsive.',
    concurrency: 2,
    rateLimit: { max: 60, durationMs: 60_000 },
  },
  {
    name: 'diagnostics',
    description: 'Simulated work for checking the pipeline and for benchmarks.',
    concurrency: 16,
  },
];

export function listQueueConfigs(): readonly QueueConfig[] {
  return QUEUES;
}

export function findQueueConfig(name: string): QueueConfig | undefined {
  return QUEUES.find((queue) => queue.name === name);
}
