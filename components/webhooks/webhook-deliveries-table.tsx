'use client';

import { ClientButton } from '../client-button';
import type { WebhookDeliveryView } from '@/lib/webhooks/webhook-view';
import { redeliverWebhook } from '@/server/webhooks/webhook-actions';
import { ActionError } from '@/components/action-error';
import { DataTable } from '@/components/data-table';
import { LocalTime } from '@/components/time/local-time';
import { useAction } from '@/components/hooks/use-action';

const STATUS_STYLES: Record<WebhookDeliveryView['status'], string> = {
  delivered: 'bg-emerald-100 text-emerald-800',
  pending: 'bg-sky-100 text-sky-800',
  retrying: 'bg-amber-100 text-amber-800',
  failed: 'bg-red-100 text-red-800',
};

function RedeliverButton({ delivery }: { delivery: WebhookDeliveryView }) {
  const { run, pending, error } = useAction();
  const underWay = delivery.status === 'pending' || delivery.status === 'retrying';
  return (
    <div className="flex flex-col items-end gap-1">
      <ClientButton
        type="button"
        disabled={pending || underWay}
        onClick={() =>
          run(() => redeliverWebhook(delivery.endpointId, delivery.id), {
            toast: 'Redelivery queued',
          })
        }
        aria-label={`Redeliver ${delivery.eventType} ${delivery.messageId}`}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60"
      >
        {pending ? 'Sending…' : 'Redeliver'}
      </ClientButton>
      <ActionError message={error} className="text-xs text-red-700" />
    </div>
  );
}

/** An endpoint's latest deliveries: what each attempt got back, and a redelivery by hand. */
export function WebhookDeliveriesTable({ deliveries }: { deliveries: WebhookDeliveryView[] }) {
  if (deliveries.length === 0) {
    return <p className="text-sm text-slate-500">No deliveries yet.</p>;
  }
  return (
    <DataTable
      columns={[
        'Event',
        'Status',
        'Code',
        'Duration',
        'Attempts',
        'Last attempt',
        <span key="actions" className="sr-only">
          Actions
        </span>,
      ]}
    >
      {deliveries.map((delivery) => (
        <tr key={delivery.id} data-testid="webhook-delivery-row" data-delivery-id={delivery.id}>
          <td className="px-3 py-2">
            <code className="font-mono text-xs">{delivery.eventType}</code>
            <span className="block font-mono text-[11px] text-slate-500">{delivery.messageId}</span>
          </td>
          <td className="px-3 py-2">
            <span
              data-testid="webhook-delivery-status"
              className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLES[delivery.status]}`}
            >
              {delivery.status}
            </span>
            {delivery.lastError ? (
              <span
                className="mt-1 block max-w-xs truncate text-xs text-red-700"
                title={delivery.lastError}
              >
                {delivery.lastError}
              </span>
            ) : null}
          </td>
          <td data-testid="webhook-delivery-code" className="px-3 py-2 font-mono text-xs">
            {delivery.lastStatusCode ?? '—'}
          </td>
          <td className="whitespace-nowrap px-3 py-2 text-slate-600">
            {delivery.lastDurationMs === null ? '—' : `${delivery.lastDurationMs} ms`}
          </td>
          <td data-testid="webhook-delivery-attempts" className="px-3 py-2 text-slate-600">
            {delivery.attempts}
          </td>
          <td className="whitespace-nowrap px-3 py-2 text-slate-600">
            {delivery.lastAttemptAt ? <LocalTime iso={delivery.lastAttemptAt} /> : '—'}
          </td>
          <td className="px-3 py-2 text-right">
            <RedeliverButton delivery={delivery} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
