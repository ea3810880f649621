import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { webhookDeliveryViewSchema } from '@/lib/webhooks/webhook-view';
import { jsonBody } from '@/server/http/api-schemas';
import { withProblems } from '@/server/http/route';
import { redeliverWebhook } from '@/server/webhooks/webhook-deliveries';

export const dynamic = 'force-dynamic';

/** Sends the same message (same webhook-id) again as a new task: 202 with the delivery. */
export const POST = withProblems<{ params: Promise<{ id: string; deliveryId: string }> }>(
  async (request, { params }) => {
    const { id, deliveryId } = await params;
    const principal = requireUser(await authenticateRequest(request.headers));
    const delivery = await redeliverWebhook(
      principal,
      id,
      deliveryId,
      auditContextOf(request.headers),
    );
    return jsonBody(webhookDeliveryViewSchema, delivery, { status: 202 });
  },
);
