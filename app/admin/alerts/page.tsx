import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AlertRuleControls } from '@/components/admin/alerts/alert-rule-controls';
import { AlertRuleState } from '@/components/admin/alerts/alert-rule-state';
import { DataTable } from '@/components/data-table';
import { PageHeading } from '@/components/page-heading';
import { primaryButtonClass } from '@/components/styles';
import { listAlertRules } from '@/server/alerts/alert-rule-service';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { isAdmin } from '@/server/auth/principal';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Alerts · Taskdeck' };

export default async function AlertsPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const rules = await listAlertRules(principal);
  return (
    <div>
      <PageHeading title="Alerts">
        Rules on failure rates, waiting jobs and workers, checked by one web process at a time
        (every 30 s unless ALERT_EVALUATE_MS says otherwise). A firing rule notifies on its channels
        and shows on the overview until it stops.
      </PageHeading>
      <div className="mb-3 flex justify-end">
        <Link href="/admin/alerts/new" className={primaryButtonClass}>
          New rule
        </Link>
      </div>
      {rules.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-500">
          No alert rules yet. Create one to hear about failures and stuck queues.
        </p>
      ) : (
        <DataTable
          columns={[
            'Rule',
            'Condition',
            'Notices',
            'State',
            <span key="actions" className="sr-only">
              Actions
            </span>,
          ]}
          alignTop
        >
          {rules.map((rule) => (
            <tr
              key={rule.id}
              data-testid="alert-rule-row"
              data-rule-id={rule.id}
              data-firing={rule.firing ? 'true' : 'false'}
            >
              <td className="px-3 py-2">
                <p className="font-medium">{rule.name}</p>
                <p className="text-xs text-slate-500">
                  {rule.createdBy ? `by ${rule.createdBy}` : 'creator deleted'}
                </p>
              </td>
              <td className="px-3 py-2 text-slate-700">{rule.description}</td>
              <td className="px-3 py-2 text-xs text-slate-600">
                {[rule.channels.email ? 'email' : null, rule.channels.webhook ? 'webhook' : null]
                  .filter(Boolean)
                  .join(', ') || 'none (shown only)'}
                <span className="block">cool-down {rule.cooldownMinutes} min</span>
              </td>
              <td className="px-3 py-2">
                <AlertRuleState rule={rule} />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <AlertRuleControls rule={rule} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
