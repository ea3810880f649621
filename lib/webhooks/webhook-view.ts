import type { TaskStatus } from '@/lib/tasks/task-view';
import type { WebhookEventType } from './webhook-events';

// What REST and the settings page show of webhook endpoints and deliveries: never the secret,
// except once, in WebhookSecretView, when it is made.

export type WebhookScope = 'own' | 'all';

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  scope: WebhookScope;
  enabled: boolean;
  /** Why Taskdeck turned it off (the receiver answered 410 Gone); null otherwise. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The answer to a create or a rotate: the only time the secret is shown. */
export interface WebhookSecretView extends WebhookEndpointView {
  secret: string;
}

/** Where a delivery stands: its latest task's status, or `pending` before one exists. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'failed';

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  /** The `webhook-id` header: the same on every attempt and redelivery. */
  messageId: string;
  eventType: string;
  aboutTaskId: string | null;
  status: WebhookDeliveryStatus;
  /** The webhooks.deliver task of the latest (re)delivery. */
  taskId: string | null;
  taskStatus: TaskStatus | null;
  attempts: number;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}
