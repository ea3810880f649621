'use client';

import Link from 'next/link';
import { DataTable } from '@/components/data-table';
import { cardClass } from '@/components/styles';
import { useNow } from '@/components/use-now';
import type { CurrentJob, WorkerView } from '@/lib/admin/admin-overview';
import { describeQueueConcurrency, formatAgo } from '@/lib/admin/overview-format';
import { formatDuration } from '@/lib/tasks/eta';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { formatLocalTime } from '@/lib/time/format-time';
import { LocalTime, useBrowserZone } from '@/components/time/local-time';

/** Time since an instant, ticking with the page's clock; the time itself until the page is live. */
function Since({ iso, suffix }: { iso: string; suffix: 'ago' | 'running' }) {
  const now = useNow();
  const zone = useBrowserZone();
  if (now === null || zone === null) return <LocalTime iso={iso} timeOnly />;
  const elapsed = Math.max(0, now - Date.parse(iso));
  return (
    <span title={formatLocalTime(iso, zone, { withZone: true })}>
      {suffix === 'ago' ? formatAgo(elapsed) : `${formatDuration(elapsed)}`}
    </span>
  );
}

function CurrentJobs({ jobs }: { jobs: CurrentJob[] }) {
  if (jobs.length === 0) return <span className="text-slate-500">idle</span>;
  return (
    <ul className="space-y-0.5">
      {jobs.map((job) => (
        <li key={job.taskId} data-testid="worker-job" data-task-id={job.taskId}>
          <Link href={`/tasks/${job.taskId}`} className="font-mono text-blue-700 hover:underline">
            {job.type}
          </Link>{' '}
          <span className="text-xs text-slate-500" title={job.taskId}>
            {shortTaskId(job.taskId)} · <Since iso={job.startedAt} suffix="running" />
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The worker processes whose heartbeat is recent, with what each is running right now. */
export function WorkersTable({ workers }: { workers: WorkerView[] }) {
  if (workers.length === 0) {
    return (
      <div data-testid="workers-empty" className={`${cardClass} border-dashed p-6 text-center`}>
        <p className="font-medium">No workers online</p>
        <p className="mt-1 text-sm text-slate-500">
          Queued tasks wait until one starts. Run <code>npm run worker</code> for every queue, or{' '}
          <code>npm run worker -- --queues diagnostics</code> for some (<code>npm start</code> runs
          one beside the web process).
        </p>
      </div>
    );
  }
  return (
    <DataTable columns={['Host', 'PID', 'Queues', 'Current jobs', 'Last heartbeat']} alignTop>
      {workers.map((worker) => (
        <tr key={worker.id} data-testid="worker-row" data-worker-id={worker.id}>
          <td className="px-3 py-2 font-mono">{worker.hostname}</td>
          <td data-testid="worker-pid" className="px-3 py-2 font-mono tabular-nums">
            {worker.pid}
          </td>
          <td className="px-3 py-2">
            <ul data-testid="worker-queues">
              {worker.queues.map((queue) => (
                <li key={queue} className="whitespace-nowrap font-mono text-xs">
                  {describeQueueConcurrency(queue, worker.concurrency[queue])}
                </li>
              ))}
            </ul>
          </td>
          <td
            className="px-3 py-2"
            data-testid="worker-jobs"
            data-count={worker.currentJobs.length}
          >
            <CurrentJobs jobs={worker.currentJobs} />
          </td>
          <td data-testid="worker-heartbeat" className="whitespace-nowrap px-3 py-2 text-slate-600">
            <Since iso={worker.lastBeatAt} suffix="ago" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
