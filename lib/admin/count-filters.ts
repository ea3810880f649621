import type { QueueTaskCounts } from './admin-overview';

// What each admin count counts, as the All tasks filter that lists exactly those tasks. The
// overview's queue table, the Queues page and the failure cards link through these, so the
// word on a count and the list behind it cannot drift apart.

export interface CountFilter {
  status: string;
  queue?: string;
  type?: string;
  /** ISO time: only tasks finished at or after it (the count is over a window). */
  finishedFrom?: string;
}

export interface QueueCountColumn {
  key: keyof QueueTaskCounts;
  label: string;
  /** The statuses the count adds up, as the list's `status` parameter. */
  status: string;
  /** Counted since the window's start only. */
  windowed: boolean;
  description: string;
}

export const QUEUE_COUNT_COLUMNS: readonly QueueCountColumn[] = [
  {
    key: 'queued',
    label: 'queued',
    status: 'queued',
    windowed: false,
    description: 'waiting for a worker',
  },
  {
    key: 'running',
    label: 'running',
    status: 'running,cancelling',
    windowed: false,
    description: 'running or cancelling',
  },
  {
    key: 'scheduled',
    label: 'delayed / retrying',
    status: 'delayed,retrying',
    windowed: false,
    description: 'waiting for their start or their next attempt',
  },
  {
    key: 'failed',
    label: 'dead letters',
    status: 'failed',
    windowed: false,
    description: 'failed after their last attempt, however long ago',
  },
  {
    key: 'succeeded',
    label: 'succeeded, last hour',
    status: 'succeeded',
    windowed: true,
    description: 'succeeded since the start of the hour window',
  },
];

/** The filter listing a queue's tasks behind one of its counts. */
export function queueCountFilter(
  queue: string,
  column: QueueCountColumn,
  since: string,
): CountFilter {
  return { status: column.status, queue, ...(column.windowed ? { finishedFrom: since } : {}) };
}
