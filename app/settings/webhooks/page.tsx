import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { PageHeading } from '@/components/page-heading';
import { CreateWebhookForm } from '@/components/webhooks/create-webhook-form';
import { WebhookEndpointPanel } from '@/components/webhooks/webhook-endpoint-panel';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { listWebhookDeliveries } from '@/server/webhooks/webhook-deliveries';
import { listWebhookEndpoints } from '@/server/webhooks/webhook-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Webhooks · Taskdeck' };

/** Deliveries shown per endpoint; the rest through GET /api/v1/webhooks/{id}/deliveries. */
const SHOWN_DELIVERIES = 10;

export default async function WebhooksPage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  const endpoints = await listWebhookEndpoints(principal);
  const deliveries = await Promise.all(
    endpoints.map((endpoint) =>
      listWebhookDeliveries(principal, endpoint.id, { limit: SHOWN_DELIVERIES }),
    ),
  );
  const admin = principal.role === 'admin';
  return (
    <div className="space-y-8">
      <PageHeading title="Webhooks">
        Taskdeck posts signed events (
        <a href="https://www.standardwebhooks.com" className="text-blue-700 underline">
          Standard Webhooks
        </a>
        ) to your endpoints when your tasks end: verify the{' '}
        <code className="font-mono">webhook-signature</code> header with the endpoint&apos;s secret.
        Failed deliveries are retried with backoff under the same{' '}
        <code className="font-mono">webhook-id</code>. See also{' '}
        <Link href="/settings/api-keys" className="text-blue-700 underline">
          API keys
        </Link>
        .
      </PageHeading>

      <section aria-labelledby="add-webhook-heading">
        <h2
          id="add-webhook-heading"
          className="mb-3 text-sm font-semibold uppercase text-slate-500"
        >
          Add an endpoint
        </h2>
        <CreateWebhookForm admin={admin} />
      </section>

      <section aria-labelledby="webhooks-heading" className="space-y-4">
        <h2 id="webhooks-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
          Your endpoints
        </h2>
        {endpoints.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
            <p className="font-medium">No webhook endpoints yet</p>
            <p className="mt-1 text-sm text-slate-500">Add one above to hear when tasks end.</p>
          </div>
        ) : (
          endpoints.map((endpoint, index) => (
            <WebhookEndpointPanel
              key={`${endpoint.id}:${endpoint.updatedAt}`}
              endpoint={endpoint}
              deliveries={deliveries[index]?.data ?? []}
              admin={admin}
            />
          ))
        )}
      </section>
    </div>
  );
}
