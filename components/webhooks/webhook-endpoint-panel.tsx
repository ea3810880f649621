'use client';

import { ClientButton } from '../client-button';
import { useState } from 'react';
import type { WebhookEventType } from '@/lib/webhooks/webhook-events';
import type { WebhookDeliveryView, WebhookEndpointView } from '@/lib/webhooks/webhook-view';
import {
  deleteWebhook,
  rotateWebhookSecret,
  updateWebhook,
} from '@/server/webhooks/webhook-actions';
import { ActionError } from '@/components/action-error';
import { useAction } from '@/components/hooks/use-action';
import { OneTimeSecret } from '@/components/one-time-secret';
import { cardClass } from '@/components/styles';
import { WebhookDeliveriesTable } from './webhook-deliveries-table';
import { WebhookEventChoices } from './webhook-event-choices';

const smallButton =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60';

function DeleteEndpointButton({ endpoint }: { endpoint: WebhookEndpointView }) {
  const [confirming, setConfirming] = useState(false);
  const { run, pending, error } = useAction();
  if (!confirming) {
    return (
      <ClientButton
        type="button"
        onClick={() => setConfirming(true)}
        className={`${smallButton} text-red-700`}
      >
        Delete
      </ClientButton>
    );
  }
  return (
    <span role="group" aria-label={`Delete ${endpoint.url} for good?`} className="flex gap-2">
      <ClientButton
        type="button"
        disabled={pending}
        onClick={() => run(() => deleteWebhook(endpoint.id), { toast: 'Webhook deleted' })}
        className="rounded-md bg-red-600 px-2 py-1 text-xs font-semibold text-white hover:bg-red-700 disabled:opacity-60"
      >
        {pending ? 'Deleting…' : 'Yes, delete'}
      </ClientButton>
      <ClientButton type="button" onClick={() => setConfirming(false)} className={smallButton}>
        Cancel
      </ClientButton>
      <ActionError message={error} as="span" className="text-xs text-red-700" />
    </span>
  );
}

export function WebhookEndpointPanel({
  endpoint,
  deliveries,
  admin,
}: {
  endpoint: WebhookEndpointView;
  deliveries: WebhookDeliveryView[];
  admin: boolean;
}) {
  const { run, pending, failure } = useAction();
  const [events, setEvents] = useState<WebhookEventType[]>(endpoint.events);
  const [secret, setSecret] = useState<string | null>(null);
  const changed =
    events.length !== endpoint.events.length ||
    events.some((event) => !endpoint.events.includes(event));

  return (
    <section
      data-testid="webhook-endpoint"
      data-endpoint-id={endpoint.id}
      aria-label={`Webhook ${endpoint.url}`}
      className={`${cardClass} space-y-4 p-4`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="break-all font-mono text-sm font-medium">{endpoint.url}</p>
          {endpoint.description ? (
            <p className="text-sm text-slate-600">{endpoint.description}</p>
          ) : null}
          <p className="mt-1 text-xs text-slate-500">
            {endpoint.scope === 'all' ? 'Every task' : 'My tasks'} ·{' '}
            <span data-testid="webhook-endpoint-state">
              {endpoint.enabled ? 'enabled' : 'disabled'}
            </span>
            {endpoint.disabledReason ? ` (${endpoint.disabledReason})` : null}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <ClientButton
            type="button"
            disabled={pending}
            onClick={() =>
              run(() => updateWebhook(endpoint.id, { enabled: !endpoint.enabled }), {
                toast: endpoint.enabled ? 'Webhook disabled' : 'Webhook enabled',
              })
            }
            className={smallButton}
          >
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </ClientButton>
          <ClientButton
            type="button"
            disabled={pending}
            onClick={() =>
              run(() => rotateWebhookSecret(endpoint.id), {
                onSuccess: (rotated) => setSecret(rotated.secret),
                toast: 'Signing secret rotated',
              })
            }
            className={smallButton}
          >
            Rotate secret
          </ClientButton>
          <DeleteEndpointButton endpoint={endpoint} />
        </div>
      </div>
      {secret ? (
        <OneTimeSecret
          heading="New signing secret"
          label="New webhook signing secret"
          inputId={`secret-${endpoint.id}`}
          value={secret}
          onDismiss={() => setSecret(null)}
        />
      ) : null}
      <div className="flex flex-wrap items-end gap-3">
        <WebhookEventChoices selected={events} onChange={setEvents} admin={admin} />
        {changed ? (
          <ClientButton
            type="button"
            disabled={pending || events.length === 0}
            onClick={() =>
              run(() => updateWebhook(endpoint.id, { events }), { toast: 'Events saved' })
            }
            className={smallButton}
          >
            Save events
          </ClientButton>
        ) : null}
      </div>
      <ActionError message={failure?.message} className="text-sm text-red-700" />
      <div>
        <h3 className="mb-2 text-xs font-semibold uppercase text-slate-500">Latest deliveries</h3>
        <WebhookDeliveriesTable deliveries={deliveries} />
      </div>
    </section>
  );
}
