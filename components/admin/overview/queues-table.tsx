import { CountLink } from '@/components/admin/count-link';
import { QueuePauseButton } from '@/components/admin/queue-pause-button';
import { DataTable } from '@/components/data-table';
import type { OverviewQueue } from '@/lib/admin/admin-overview';
import { QUEUE_COUNT_COLUMNS, queueCountFilter } from '@/lib/admin/count-filters';
import { QueueState } from '../queue-state';

/** Each queue's tasks by status, live, each count a link to them; with pause and resume. */
export function QueuesTable({ queues, since }: { queues: OverviewQueue[]; since: string }) {
  return (
    <DataTable
      columns={[
        'Queue',
        'State',
        ...QUEUE_COUNT_COLUMNS.map((column) => (
          <span key={column.key} className="block text-right" title={column.description}>
            {column.label}
          </span>
        )),
        <span key="actions" className="sr-only">
          Actions
        </span>,
      ]}
    >
      {queues.map((queue) => (
        <tr key={queue.name} data-testid="queue-row" data-queue={queue.name}>
          <td className="px-3 py-2">
            <span className="font-mono font-medium">{queue.name}</span>
            <span className="ml-2 text-xs text-slate-500">{queue.concurrency} per worker</span>
          </td>
          <td className="px-3 py-2">
            <QueueState paused={queue.paused} />
          </td>
          {QUEUE_COUNT_COLUMNS.map((column) => (
            <td key={column.key} className="px-3 py-2 text-right text-slate-800">
              <CountLink
                count={queue.tasks[column.key]}
                filter={queueCountFilter(queue.name, column, since)}
                label={`${column.label} tasks in ${queue.name}`}
                testId={`queue-${column.key}`}
              />
            </td>
          ))}
          <td className="px-3 py-2 text-right">
            <QueuePauseButton name={queue.name} paused={queue.paused} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
