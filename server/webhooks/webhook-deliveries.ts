import { ConflictError, NotFoundError } from '@/lib/errors';
import { TERMINAL_STATUSES } from '@/lib/tasks/task-view';
import type { WebhookDeliveryPage, WebhookDeliveryView } from '@/lib/webhooks/webhook-view';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import type { UserPrincipal } from '@/server/auth/principal';
import { decodeKeysetCursor, rowsAfter, toKeysetPage } from '@/server/db/keyset-cursor';
import { getPrisma } from '@/server/infra/clients';
import { createInternalTask } from '@/server/tasks/task-submission';
import { webhooksDeliver } from '@/server/tasks/types/webhooks-deliver';
import { toDeliveryView } from './webhook-mapper';
import { parentOf } from './webhook-relay';
import { findOwnEndpoint, isUuid } from './webhook-service';

// An endpoint's deliveries, newest first, and a redelivery by hand: a new webhooks.deliver task
// for the same message, so the receiver sees the same webhook-id again (Standard Webhooks: a
// resend is the same message) with a new timestamp and signature.

export async function listWebhookDeliveries(
  user: UserPrincipal,
  endpointId: string,
  page: { cursor?: string; limit: number },
): Promise<WebhookDeliveryPage> {
  const endpoint = await findOwnEndpoint(user, endpointId);
  const cursor = page.cursor ? decodeKeysetCursor(page.cursor, isUuid) : null;
  const rows = await getPrisma().webhookDelivery.findMany({
    where: { endpointId: endpoint.id, ...(cursor ? rowsAfter(cursor) : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
    include: { task: { select: { status: true } } },
  });
  return toKeysetPage(rows, page.limit, toDeliveryView);
}

export async function redeliverWebhook(
  user: UserPrincipal,
  endpointId: string,
  deliveryId: string,
  context: AuditContext,
): Promise<WebhookDeliveryView> {
  const endpoint = await findOwnEndpoint(user, endpointId);
  const prisma = getPrisma();
  const delivery = isUuid(deliveryId)
    ? await prisma.webhookDelivery.findFirst({
        where: { id: deliveryId, endpointId: endpoint.id },
        include: { task: { select: { status: true } } },
      })
    : null;
  if (!delivery) throw new NotFoundError('No such delivery.');
  if (!endpoint.enabled) throw new ConflictError('The endpoint is disabled: enable it first.');
  // One sending at a time: a second click while the first is under way sends nothing more.
  if (delivery.task && !TERMINAL_STATUSES.has(delivery.task.status)) {
    throw new ConflictError('This delivery is still being sent.');
  }
  const task = await createInternalTask(
    webhooksDeliver.name,
    endpoint.ownerId,
    {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      eventType: delivery.eventType,
    },
    { parentTaskId: parentOf({ event_type: delivery.eventType, task_id: delivery.aboutTaskId }) },
  );
  const updated = await prisma.webhookDelivery.update({
    where: { id: delivery.id },
    data: { taskId: task.id },
    include: { task: { select: { status: true } } },
  });
  await recordAudit(user, 'webhook.redeliver', { type: 'webhook', id: endpoint.id }, context, {
    deliveryId: delivery.id,
    messageId: delivery.messageId,
    taskId: task.id,
  });
  return toDeliveryView(updated);
}
