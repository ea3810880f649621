import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AdminOverviewView } from '@/components/admin/overview/admin-overview-view';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { getAdminOverview } from '@/server/admin/overview-service';
import { isAdmin } from '@/server/auth/principal';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Overview · Taskdeck' };

export default async function AdminOverviewPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  // The first snapshot is rendered here; the page then follows the ones the server pushes.
  const overview = await getAdminOverview(principal);
  return (
    <div>
      <PageHeading title="Overview">
        Queues, throughput, run times and workers across every process, updated live.
      </PageHeading>
      <AdminOverviewView initial={overview} />
    </div>
  );
}
