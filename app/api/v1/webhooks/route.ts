import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { jsonBody, webhookEndpointListSchema } from '@/server/http/api-schemas';
import { readJsonBody, withProblems } from '@/server/http/route';
import { webhookSecretViewSchema } from '@/lib/webhooks/webhook-view';
import { createWebhookSchema } from '@/server/webhooks/webhook-input';
import { createWebhookEndpoint, listWebhookEndpoints } from '@/server/webhooks/webhook-service';

export const dynamic = 'force-dynamic';

/** The caller's own endpoints, newest first. */
export const GET = withProblems(async (request) => {
  const principal = requireUser(await authenticateRequest(request.headers));
  return jsonBody(webhookEndpointListSchema, { data: await listWebhookEndpoints(principal) });
});

/** `{ url, events, description?, scope?, enabled? }` → 201 with the `secret`, shown this once. */
export const POST = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const input = await readJsonBody(request, createWebhookSchema, principal);
  const endpoint = await createWebhookEndpoint(
    requireUser(principal),
    input,
    auditContextOf(request.headers),
  );
  return jsonBody(webhookSecretViewSchema, endpoint, {
    status: 201,
    headers: { Location: `/api/v1/webhooks/${endpoint.id}` },
  });
});
