'use client';

import { CountLink } from '@/components/admin/count-link';
import { QueuePauseButton } from '@/components/admin/queue-pause-button';
import { QueueState } from '@/components/admin/queue-state';
import { ConnectionIndicator, LiveRefusal } from '@/components/admin/overview/connection-indicator';
import { useOverviewFeed } from '@/components/admin/overview/use-admin-overview';
import { DataTable } from '@/components/data-table';
import type { AdminOverview, OverviewQueue, QueueCounts } from '@/lib/admin/admin-overview';
import { QUEUE_COUNT_COLUMNS, queueCountFilter } from '@/lib/admin/count-filters';

export interface LiveQueues {
  generatedAt: string;
  tasksSince: string;
  queues: OverviewQueue[];
}

const JOB_COUNTS: readonly (keyof QueueCounts)[] = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
];

// Module-level, so the socket is wired once (useOverviewFeed's select must be stable).
function selectQueues(overview: AdminOverview): LiveQueues {
  return {
    generatedAt: overview.generatedAt,
    tasksSince: overview.tasksSince,
    queues: overview.queues,
  };
}

/**
 * The Queues page's table, following the overview snapshots the server pushes: task counts
 * (each a link to those tasks) and pause state move by themselves, no Refresh needed.
 */
export function QueuesView({
  initial,
  rateLimits,
}: {
  initial: LiveQueues;
  /** Each queue's rate limit, in words: configuration, not in the snapshots. */
  rateLimits: Record<string, string>;
}) {
  const { snapshot, connection, refused } = useOverviewFeed(initial, selectQueues);
  return (
    <div>
      <div className="mb-3 flex justify-end">
        <ConnectionIndicator connection={connection} generatedAt={snapshot.generatedAt} />
      </div>
      <LiveRefusal refused={refused} className="mb-3" />
      <DataTable
        columns={[
          'Queue',
          'State',
          'Tasks',
          'Concurrency',
          'Rate limit',
          <span key="actions" className="sr-only">
            Actions
          </span>,
        ]}
        cellClassName="px-4 py-2"
        alignTop
      >
        {snapshot.queues.map((queue) => (
          <tr key={queue.name} data-testid="queue-row" data-queue={queue.name}>
            <td className="min-w-56 px-4 py-3">
              <span className="font-mono font-medium">{queue.name}</span>
              <p className="mt-0.5 text-xs text-slate-500">{queue.description}</p>
            </td>
            <td className="px-4 py-3">
              <QueueState paused={queue.paused} />
            </td>
            <td className="px-4 py-3">
              <dl className="grid grid-cols-[auto_auto] gap-x-3 text-xs">
                {QUEUE_COUNT_COLUMNS.map((column) => (
                  <div key={column.key} className="contents">
                    <dt className="text-slate-600" title={column.description}>
                      {column.label}
                    </dt>
                    <dd className="text-right text-slate-800">
                      <CountLink
                        count={queue.tasks[column.key]}
                        filter={queueCountFilter(queue.name, column, snapshot.tasksSince)}
                        label={`${column.label} tasks in ${queue.name}`}
                        testId={`queue-${column.key}`}
                      />
                    </dd>
                  </div>
                ))}
              </dl>
              <p className="mt-2 max-w-56 text-xs text-slate-600" data-testid="queue-jobs">
                BullMQ jobs: {JOB_COUNTS.map((key) => `${queue.counts[key]} ${key}`).join(' · ')}
              </p>
            </td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-600">
              <span className="block">{queue.concurrency} per worker</span>
              <span className="block text-xs" data-testid="queue-global-concurrency">
                {queue.globalConcurrency === null
                  ? 'no cluster limit'
                  : `${queue.globalConcurrency} across all workers`}
              </span>
            </td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-600">
              {rateLimits[queue.name] ?? 'none'}
            </td>
            <td className="px-4 py-3 text-right">
              <QueuePauseButton name={queue.name} paused={queue.paused} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
