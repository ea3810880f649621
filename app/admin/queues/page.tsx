import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { QueuesView } from '@/components/admin/queues/queues-view';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { formatDuration } from '@/lib/tasks/eta';
import { countQueueTasks, emptyQueueTaskCounts } from '@/server/admin/task-counts';
import { isAdmin } from '@/server/auth/principal';
import { listQueues, type QueueView } from '@/server/queues/queue-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Queues · Taskdeck' };

function describeRateLimit(rateLimit: QueueView['rateLimit']): string {
  if (!rateLimit) return 'none';
  return `${rateLimit.max} per ${formatDuration(rateLimit.durationMs)}`;
}

export default async function QueuesPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const now = new Date();
  const [queues, tasks] = await Promise.all([
    listQueues(principal),
    countQueueTasks(principal, now),
  ]);
  return (
    <div>
      <PageHeading title="Queues">
        Each task type runs on a named queue. Pausing a queue lets running tasks finish and starts
        no new ones, on every worker, until it is resumed.
      </PageHeading>
      <QueuesView
        initial={{
          generatedAt: now.toISOString(),
          tasksSince: tasks.since,
          queues: queues.map(({ rateLimit: _rateLimit, ...queue }) => ({
            ...queue,
            tasks: tasks.byQueue[queue.name] ?? emptyQueueTaskCounts(),
          })),
        }}
        rateLimits={Object.fromEntries(
          queues.map((queue) => [queue.name, describeRateLimit(queue.rateLimit)]),
        )}
      />
      <p className="mt-3 text-xs text-slate-500">
        Tasks are counted from the task records, live: each count opens the list of those tasks.
        Dead letters are every task of the queue that failed after its last attempt; the same tasks,
        all queues together, are the Dead letters page. BullMQ jobs are Redis&apos;s own count,
        apart: a task retried by hand or restarted after a lost worker leaves its old job failed,
        failed jobs are kept 7 days and completed ones an hour, so they need not agree. Concurrency
        is per worker process unless a worker was started with another; the cluster limit caps the
        queue&apos;s running jobs across every worker together.
      </p>
    </div>
  );
}
