// The admin overview snapshot: computed by each web node, pushed over Socket.IO and rendered
// by the browser, so it holds plain JSON only.
import type { FiringAlertView } from '@/lib/alerts/alert-view';

/** A task a worker process is running right now, as its heartbeat announces it. */
export interface CurrentJob {
  taskId: string;
  type: string;
  queue: string;
  startedAt: string;
}

export interface WorkerView {
  id: string;
  hostname: string;
  pid: number;
  queues: string[];
  /** Jobs at once, per queue. */
  concurrency: Record<string, number>;
  startedAt: string;
  lastBeatAt: string;
  currentJobs: CurrentJob[];
}

/** BullMQ's jobs in Redis: finished ones are trimmed (completed after 1 h, failed after 7 days). */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/**
 * A queue's tasks by status, from Postgres: the rows the All tasks list shows for the same
 * filter (lib/admin/count-filters.ts), so a count and its list agree.
 */
export interface QueueTaskCounts {
  /** queued: waiting for a worker. */
  queued: number;
  /** running or cancelling. */
  running: number;
  /** delayed or retrying: waiting for their time. */
  scheduled: number;
  /** failed after their last attempt: the dead letters, however old. */
  failed: number;
  /** succeeded since the hour window's start (`tasksSince`). */
  succeeded: number;
}

export interface OverviewQueue {
  name: string;
  description: string;
  paused: boolean;
  concurrency: number;
  /** Jobs of the queue running at once across every worker; null when unlimited. */
  globalConcurrency: number | null;
  counts: QueueCounts;
  tasks: QueueTaskCounts;
}

/** Tasks that reached an end in one bucket of time, by how they ended. */
export interface FinishedCounts {
  succeeded: number;
  failed: number;
  cancelled: number;
}

/**
 * Buckets of `bucketMs` from `start`, aligned to the bucket size; the last one is the bucket
 * now falls in, so it is still filling up.
 */
export interface ThroughputWindow {
  start: string;
  bucketMs: number;
  buckets: FinishedCounts[];
  totals: FinishedCounts;
  /** failed / (succeeded + failed); null when nothing succeeded or failed. */
  failureRate: number | null;
}

export interface DurationStat {
  type: string;
  /** Successful runs it is computed from. */
  count: number;
  p50Ms: number;
  p95Ms: number;
}

export interface AdminOverview {
  generatedAt: string;
  /** How often the server pushes a new snapshot. */
  refreshMs: number;
  queues: OverviewQueue[];
  /** Where the queues' `succeeded` count starts: the hour window's start. */
  tasksSince: string;
  throughput: { hour: ThroughputWindow; day: ThroughputWindow };
  /** Run times of the tasks that succeeded in the day window, per type. */
  durations: DurationStat[];
  workers: WorkerView[];
  /** Alert rules firing now, oldest first (server/alerts/). */
  alerts: FiringAlertView[];
}
