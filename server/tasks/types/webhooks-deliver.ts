import { z } from 'zod';
import { defineTaskType } from '../task-type';

export const webhookDeliverPayloadSchema = z
  .object({
    /** The webhook_deliveries row: endpoint, message id and the exact body to send. */
    deliveryId: z.uuid(),
    /** The endpoint it goes to, so the task names where it was sent. */
    endpointId: z.uuid(),
    eventType: z.string().min(1).max(64),
  })
  .strict();

export type WebhookDeliverPayload = z.output<typeof webhookDeliverPayloadSchema>;

export const webhooksDeliver = defineTaskType({
  name: 'webhooks.deliver',
  title: 'Webhook delivery',
  label: 'Deliver a webhook',
  description:
    'Posts one signed event (Standard Webhooks) to a webhook endpoint; retried with backoff, with the same webhook-id on every attempt.',
  schema: webhookDeliverPayloadSchema,
  summarize: (payload) => payload.eventType,
  access: 'internal',
  origin: { byHand: 'sent by Taskdeck when an event reaches a webhook endpoint' },
  completionEmail: false,
  // A delivery telling of a delivery would never end.
  webhooks: false,
  // A task event's delivery is the child of that task; other events' deliveries stand alone.
  followUp: true,
  defaults: {
    queue: 'webhooks',
    // 8 tries over about 2 h (30 s, 1, 2, 4, 8, 16, 32, 60 min, less jitter), as receivers
    // are often down for a deploy or a short outage.
    attempts: 8,
    backoff: { type: 'exponential', delayMs: 30_000, maxDelayMs: 60 * 60_000, jitter: 0.2 },
    // The request has WEBHOOK_TIMEOUT_MS (at most 120 s); this bounds the attempt as a whole.
    timeoutMs: 150_000,
  },
  processor: () => import('./webhooks-deliver-processor'),
});
