import type { Task, WebhookDelivery, WebhookEndpoint } from '@/lib/generated/prisma/client';
import type { TaskStatus } from '@/lib/tasks/task-view';
import type { WebhookEventType } from '@/lib/webhooks/webhook-events';
import type {
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookScope,
} from '@/lib/webhooks/webhook-view';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toEndpointView(endpoint: WebhookEndpoint): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events as WebhookEventType[],
    scope: endpoint.scope as WebhookScope,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

function deliveryStatus(delivery: WebhookDelivery, taskStatus: TaskStatus | null) {
  if (taskStatus === 'succeeded') return 'delivered';
  if (taskStatus === 'failed' || taskStatus === 'cancelled') return 'failed';
  if (taskStatus === 'retrying') return 'retrying';
  // A redelivery under way after an earlier success still shows as pending.
  return delivery.deliveredAt && !taskStatus ? 'delivered' : 'pending';
}

export function toDeliveryView(
  delivery: WebhookDelivery & { task: Pick<Task, 'status'> | null },
): WebhookDeliveryView {
  const taskStatus = delivery.task?.status ?? null;
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    messageId: delivery.messageId,
    eventType: delivery.eventType,
    aboutTaskId: delivery.aboutTaskId,
    status: deliveryStatus(delivery, taskStatus) satisfies WebhookDeliveryStatus,
    taskId: delivery.taskId,
    taskStatus,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastDurationMs: delivery.lastDurationMs,
    lastResponse: delivery.lastResponse,
    lastError: delivery.lastError,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    deliveredAt: iso(delivery.deliveredAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}
