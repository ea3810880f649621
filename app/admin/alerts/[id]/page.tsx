import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AlertRuleForm } from '@/components/admin/alerts/alert-rule-form';
import { AlertRuleState } from '@/components/admin/alerts/alert-rule-state';
import { PageHeading } from '@/components/page-heading';
import { isAppError } from '@/lib/errors';
import { getAlertRule } from '@/server/alerts/alert-rule-service';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { isAdmin } from '@/server/auth/principal';
import { listRuleFormOptions } from '../rule-form-options';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Edit alert rule · Taskdeck' };

export default async function EditAlertRulePage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else; an unknown rule is not found either.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const rule = await getAlertRule(principal, (await params).id).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  });
  const { types, queues } = listRuleFormOptions();
  return (
    <div className="max-w-3xl">
      <PageHeading title={`Edit ${rule.name}`}>
        A firing rule stays firing while it is edited; the next evaluation judges it by the new
        condition.
      </PageHeading>
      <p className="mb-4 text-sm">
        <AlertRuleState rule={rule} />
      </p>
      <AlertRuleForm types={types} queues={queues} rule={rule} />
    </div>
  );
}
