import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { webhookSecretViewSchema } from '@/lib/webhooks/webhook-view';
import { jsonBody } from '@/server/http/api-schemas';
import { withProblems } from '@/server/http/route';
import { rotateWebhookSecret } from '@/server/webhooks/webhook-service';

export const dynamic = 'force-dynamic';

/** A new `secret`, shown this once; the old one stops signing at once. */
export const POST = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = requireUser(await authenticateRequest(request.headers));
    const endpoint = await rotateWebhookSecret(principal, id, auditContextOf(request.headers));
    return jsonBody(webhookSecretViewSchema, endpoint);
  },
);
