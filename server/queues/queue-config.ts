// The named queues task types route to. Concurrency is per worker process (WORKER_CONCURRENCY
// overrides it); the global concurrency (QUEUE_GLOBAL_CONCURRENCY overrides it) and the rate
// limit are BullMQ's, shared by every worker of the queue.

export interface QueueConfig {
  name: string;
  description: string;
  /** Jobs of this queue one worker process runs at once. */
  concurrency: number;
  /**
   * Jobs of this queue running at once across every worker process (BullMQ's global
   * concurrency); unset: only the per-process limit, so M workers run M × concurrency.
   */
  globalConcurrency?: number;
  /** At most `max` jobs started per `durationMs`, across all workers. */
  rateLimit?: { max: number; durationMs: number };
}

// `as const`: each name is a literal, so QueueName is their union and a type module naming a
// queue that is not here fails to compile (instead of running with concurrency 1, unlisted).
const QUEUES = [
  {
    name: 'files',
    description:
      'Uploaded files are read end to end; two at a time keep the disk busy and memory low.',
    concurrency: 2,
  },
  {
    name: 'reports',
    description: 'Reports read the task history in bulk; a few at a time keep Postgres responsive.',
    concurrency: 2,
    // "A few at a time" must hold however many workers run: four across the cluster.
    globalConcurrency: 4,
    rateLimit: { max: 60, durationMs: 60_000 },
  },
  {
    name: 'diagnostics',
    description: 'Simulated work for checking the pipeline and for benchmarks.',
    concurrency: 16,
  },
  {
    name: 'notifications',
    description:
      'Emails: mostly waiting on the mail server; the rate limit keeps bursts within what SMTP providers accept.',
    concurrency: 8,
    rateLimit: { max: 120, durationMs: 60_000 },
  },
  {
    name: 'webhooks',
    description:
      'Webhook deliveries: short HTTP requests that mostly wait on the receiver, so many at once.',
    concurrency: 16,
  },
  {
    name: 'maintenance',
    description:
      'Housekeeping such as retention; one at a time, so two runs never compete for the same rows.',
    concurrency: 1,
  },
] as const satisfies readonly QueueConfig[];

export type QueueName = (typeof QUEUES)[number]['name'];

export function listQueueConfigs(): readonly QueueConfig[] {
  return QUEUES;
}

export function findQueueConfig(name: string): QueueConfig | undefined {
  return QUEUES.find((queue) => queue.name === name);
}
