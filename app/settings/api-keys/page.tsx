import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiKeyStatus } from '@/components/api-keys/api-key-status';
import { CreateApiKeyForm } from '@/components/api-keys/create-api-key-form';
import { RevokeApiKeyButton } from '@/components/api-keys/revoke-api-key-button';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { LocalTime, RelativeTime } from '@/components/time/local-time';
import { PageHeading } from '@/components/page-heading';
import { listApiKeys } from '@/server/auth/api-keys';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API keys · Taskdeck' };

export default async function ApiKeysPage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  const keys = await listApiKeys(principal);
  return (
    <div className="space-y-8">
      <PageHeading title="API keys">
        Call the REST API as yourself with <code className="font-mono">Authorization: Bearer</code>{' '}
        and a key. A key can do what you can do, with your current role. Email settings:{' '}
        <Link href="/settings/notifications" className="text-blue-700 underline">
          Notifications
        </Link>
        . What the API offers:{' '}
        <Link href="/api-reference" className="text-blue-700 underline">
          API reference
        </Link>
        .
      </PageHeading>

      <section aria-labelledby="create-key-heading">
        <h2 id="create-key-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
          Create a key
        </h2>
        <CreateApiKeyForm />
      </section>

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
          Your keys
        </h2>
        {keys.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
            <p className="font-medium">No API keys yet</p>
            <p className="mt-1 text-sm text-slate-500">
              Create one above to call Taskdeck from scripts and integrations.
            </p>
          </div>
        ) : (
          <DataTable
            columns={[
              'Name',
              'Key',
              'Created',
              'Expires',
              'Last used',
              'Status',
              <span key="actions" className="sr-only">
                Actions
              </span>,
            ]}
          >
            {keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row" data-key-id={key.id}>
                <td className="min-w-32 px-3 py-3 font-medium">{key.name}</td>
                <td className="whitespace-nowrap px-3 py-3 font-mono text-xs text-slate-600">
                  {key.prefix}…
                </td>
                <td className="whitespace-nowrap px-3 py-3 text-slate-600">
                  <RelativeTime iso={key.createdAt} />
                </td>
                <td className="whitespace-nowrap px-3 py-3 text-slate-600">
                  {key.expiresAt ? <LocalTime iso={key.expiresAt} /> : 'Never'}
                </td>
                <td className="whitespace-nowrap px-3 py-3 text-slate-600">
                  {key.lastUsedAt ? <RelativeTime iso={key.lastUsedAt} /> : 'Never'}
                </td>
                <td className="px-3 py-3">
                  <ApiKeyStatus status={key.status} />
                </td>
                <td className="px-3 py-3 text-right">
                  {key.status === 'active' ? (
                    <RevokeApiKeyButton id={key.id} name={key.name} />
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
