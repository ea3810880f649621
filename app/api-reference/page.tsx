import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiReference } from '@/components/api-reference/api-reference';
import type { ApiDocument } from '@/components/api-reference/openapi-types';
import { PageHeading } from '@/components/page-heading';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { getOpenApiDocument, OPENAPI_PATH } from '@/server/http/openapi-document';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API reference · Taskdeck' };

// For signed-in users, like the keys it goes with; the JSON document itself is public.
export default async function ApiReferencePage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  // A JSON round trip: the page draws exactly what GET /api/v1/openapi.json serves.
  const document = JSON.parse(JSON.stringify(getOpenApiDocument())) as ApiDocument;
  return (
    <div className="space-y-6">
      <PageHeading title="API reference">
        Every REST operation with its parameters, bodies and answers, from the OpenAPI 3.1 document
        at{' '}
        <a href={OPENAPI_PATH} className="font-mono text-blue-700 underline">
          {OPENAPI_PATH}
        </a>
        . Authenticate with a key from{' '}
        <Link href="/settings/api-keys" className="text-blue-700 underline">
          API keys
        </Link>
        . Errors are <code className="font-mono">application/problem+json</code>.
      </PageHeading>
      <ApiReference document={document} />
    </div>
  );
}
