import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { QueuePauseButton } from '@/components/admin/queue-pause-button';
import { RefreshButton } from '@/components/admin/refresh-button';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { PageHeading } from '@/components/page-heading';
import { formatDuration } from '@/lib/tasks/eta';
import { isAdmin } from '@/server/auth/principal';
import { listQueues, type QueueView } from '@/server/queues/queue-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Queues · Taskdeck' };

const COUNT_COLUMNS = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

function describeRateLimit(rateLimit: QueueView['rateLimit']): string {
  if (!rateLimit) return 'none';
  return `${rateLimit.max} per ${formatDuration(rateLimit.durationMs)}`;
}

export default async function QueuesPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const queues = await listQueues(principal);
  return (
    <div>
      <PageHeading title="Queues">
        Each task type runs on a named queue. Pausing a queue lets running tasks finish and starts
        no new ones, on every worker, until it is resumed.
      </PageHeading>
      <div className="mb-3 flex justify-end">
        <RefreshButton />
      </div>
      <DataTable
        columns={[
          'Queue',
          'State',
          'Jobs',
          'Concurrency',
          'Rate limit',
          <span key="actions" className="sr-only">
            Actions
          </span>,
        ]}
        cellClassName="px-4 py-2"
        alignTop
      >
        {queues.map((queue) => (
          <tr key={queue.name} data-testid="queue-row" data-queue={queue.name}>
            <td className="min-w-56 px-4 py-3">
              <span className="font-mono font-medium">{queue.name}</span>
              <p className="mt-0.5 text-xs text-slate-500">{queue.description}</p>
            </td>
            <td className="px-4 py-3">
              <span
                data-testid="queue-state"
                className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
                  queue.paused
                    ? 'bg-amber-100 text-amber-900 ring-amber-400'
                    : 'bg-emerald-50 text-emerald-800 ring-emerald-300'
                }`}
              >
                {queue.paused ? 'paused' : 'running'}
              </span>
            </td>
            <td className="px-4 py-3">
              <dl className="grid grid-cols-[auto_auto] gap-x-3 text-xs">
                {COUNT_COLUMNS.map((column) => (
                  <div key={column} className="contents">
                    <dt className="text-slate-500">{column}</dt>
                    <dd
                      data-testid={`queue-${column}`}
                      className="text-right tabular-nums text-slate-800"
                    >
                      {queue.counts[column]}
                    </dd>
                  </div>
                ))}
              </dl>
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
              {describeRateLimit(queue.rateLimit)}
            </td>
            <td className="px-4 py-3 text-right">
              <QueuePauseButton name={queue.name} paused={queue.paused} />
            </td>
          </tr>
        ))}
      </DataTable>
      <p className="mt-3 text-xs text-slate-500">
        Counts are of queue jobs (finished ones are kept for a while, then trimmed), read when the
        page loaded. Concurrency is per worker process unless a worker was started with another; the
        cluster limit caps the queue&apos;s running jobs across every worker together.
      </p>
    </div>
  );
}
