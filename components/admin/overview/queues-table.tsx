import { QueuePauseButton } from '@/components/admin/queue-pause-button';
import { DataTable } from '@/components/data-table';
import type { OverviewQueue, QueueCounts } from '@/lib/admin/admin-overview';

const COUNT_COLUMNS: readonly (keyof QueueCounts)[] = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
];

function QueueState({ paused }: { paused: boolean }) {
  return (
    <span
      data-testid="queue-state"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        paused
          ? 'bg-amber-100 text-amber-900 ring-amber-400'
          : 'bg-emerald-50 text-emerald-800 ring-emerald-300'
      }`}
    >
      {paused ? 'paused' : 'running'}
    </span>
  );
}

/** Job counts per queue, live, with pause and resume. */
export function QueuesTable({ queues }: { queues: OverviewQueue[] }) {
  return (
    <DataTable
      columns={[
        'Queue',
        'State',
        ...COUNT_COLUMNS.map((column) => (
          <span key={column} className="block text-right">
            {column}
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
          {COUNT_COLUMNS.map((column) => (
            <td
              key={column}
              data-testid={`queue-${column}`}
              className="px-3 py-2 text-right tabular-nums text-slate-800"
            >
              {queue.counts[column]}
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
