import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { webhookDeliveryPageSchema } from '@/lib/webhooks/webhook-view';
import { jsonBody } from '@/server/http/api-schemas';
import { parseInput, searchParamsObject, withProblems } from '@/server/http/route';
import { listWebhookDeliveries } from '@/server/webhooks/webhook-deliveries';
import { deliveryPageSchema } from '@/server/webhooks/webhook-input';

export const dynamic = 'force-dynamic';

/** The endpoint's deliveries, newest first: `{ data, nextCursor }`. */
export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = requireUser(await authenticateRequest(request.headers));
    const page = parseInput(deliveryPageSchema, searchParamsObject(request));
    return jsonBody(webhookDeliveryPageSchema, await listWebhookDeliveries(principal, id, page));
  },
);
