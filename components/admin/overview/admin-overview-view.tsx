'use client';

import type { ReactNode } from 'react';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { ConnectionIndicator, LiveRefusal } from './connection-indicator';
import { DurationsTable } from './durations-table';
import { FiringAlerts } from './firing-alerts';
import { QueuesTable } from './queues-table';
import { ThroughputSection } from './throughput-section';
import { useAdminOverview } from './use-admin-overview';
import { WorkersTable } from './workers-table';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 text-sm font-semibold uppercase text-slate-500">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The whole system at a glance, re-rendered with every snapshot the server pushes. */
export function AdminOverviewView({ initial }: { initial: AdminOverview }) {
  const { overview, connection, refused } = useAdminOverview(initial);
  return (
    <div className="space-y-10">
      <div className="-mt-4 flex justify-end">
        <ConnectionIndicator connection={connection} generatedAt={overview.generatedAt} />
      </div>
      <LiveRefusal refused={refused} />
      <FiringAlerts alerts={overview.alerts} />
      <Section id="queues" title="Queues">
        <QueuesTable queues={overview.queues} since={overview.tasksSince} />
      </Section>
      <ThroughputSection throughput={overview.throughput} />
      <Section id="durations" title="Run times, last 24 hours">
        <DurationsTable durations={overview.durations} />
      </Section>
      <Section id="workers" title={`Workers (${overview.workers.length})`}>
        <WorkersTable workers={overview.workers} />
      </Section>
    </div>
  );
}
