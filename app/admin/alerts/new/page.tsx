import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AlertRuleForm } from '@/components/admin/alerts/alert-rule-form';
import { PageHeading } from '@/components/page-heading';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { isAdmin } from '@/server/auth/principal';
import { listRuleFormOptions } from '../rule-form-options';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'New alert rule · Taskdeck' };

export default async function NewAlertRulePage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const { types, queues } = listRuleFormOptions();
  return (
    <div className="max-w-3xl">
      <PageHeading title="New alert rule">
        It is checked from the next evaluation on; its notices go to every admin.
      </PageHeading>
      <AlertRuleForm types={types} queues={queues} />
    </div>
  );
}
