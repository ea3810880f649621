import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { webhookEndpointViewSchema } from '@/lib/webhooks/webhook-view';
import { jsonBody } from '@/server/http/api-schemas';
import { readJsonBody, withProblems } from '@/server/http/route';
import { updateWebhookSchema } from '@/server/webhooks/webhook-input';
import {
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  updateWebhookEndpoint,
} from '@/server/webhooks/webhook-service';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = requireUser(await authenticateRequest(request.headers));
  return jsonBody(webhookEndpointViewSchema, await getWebhookEndpoint(principal, id));
});

/** Changes the fields given; `enabled: false` stops deliveries, `true` resumes them. */
export const PATCH = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = await authenticateRequest(request.headers);
  const changes = await readJsonBody(request, updateWebhookSchema, principal);
  return jsonBody(
    webhookEndpointViewSchema,
    await updateWebhookEndpoint(
      requireUser(principal),
      id,
      changes,
      auditContextOf(request.headers),
    ),
  );
});

export const DELETE = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = requireUser(await authenticateRequest(request.headers));
  await deleteWebhookEndpoint(principal, id, auditContextOf(request.headers));
  return new Response(null, { status: 204 });
});
