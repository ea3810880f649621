import { z } from 'zod';

// The one catalog of webhook event types. Task events go to the task owner's endpoints and to
// admins' endpoints with scope 'all'; admin-only events (alerts) only to the latter.

export const WEBHOOK_EVENT_TYPES = [
  'task.succeeded',
  'task.failed',
  'task.cancelled',
  'alert.firing',
  'alert.resolved',
] as const;

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** Events only endpoints with scope 'all' (admins') may subscribe to and receive. */
export const ADMIN_ONLY_EVENT_TYPES: ReadonlySet<WebhookEventType> = new Set([
  'alert.firing',
  'alert.resolved',
]);

/** The task statuses whose reaching sends an event, as `task.<status>`. */
export const TASK_EVENT_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'task.succeeded': 'A task finished with a result.',
  'task.failed': 'A task failed after its last attempt.',
  'task.cancelled': 'A task was cancelled.',
  'alert.firing': 'An alert started firing (admins, scope all).',
  'alert.resolved': 'A firing alert resolved (admins, scope all).',
};
