import { z } from 'zod';
import { isoTimeSchema, TASK_STATUSES } from '@/lib/tasks/task-view';
import { webhookEventTypeSchema } from './webhook-events';

// What REST and the settings page show of webhook endpoints and deliveries: never the secret,
// except once, in the answer to a create or a rotate. Zod schemas, so the OpenAPI document
// (server/http/openapi-webhook-paths.ts) describes exactly these.

export const webhookEndpointViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(webhookEventTypeSchema),
    scope: z.enum(['own', 'all']).meta({
      description: "'own': the owner's tasks; 'all': every task and alerts (admins only).",
    }),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Why Taskdeck turned it off (a 410 Gone); null otherwise.' }),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
  })
  .meta({ id: 'WebhookEndpoint' });

export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;
export type WebhookScope = WebhookEndpointView['scope'];

export const webhookSecretViewSchema = webhookEndpointViewSchema
  .extend({
    secret: z.string().meta({ description: 'whsec_…: shown only in this answer.' }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export type WebhookSecretView = z.infer<typeof webhookSecretViewSchema>;

export const webhookDeliveryViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    endpointId: z.string().meta({ format: 'uuid' }),
    messageId: z
      .string()
      .meta({ description: 'The webhook-id header: the same on every attempt and redelivery.' }),
    eventType: z.string(),
    aboutTaskId: z.string().nullable(),
    status: z.enum(['pending', 'delivered', 'retrying', 'failed']),
    taskId: z
      .string()
      .nullable()
      .meta({ description: 'The webhooks.deliver task of the latest (re)delivery.' }),
    taskStatus: z.enum(TASK_STATUSES).nullable(),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastDurationMs: z.number().int().nullable(),
    lastResponse: z.string().nullable().meta({ description: 'The first 4 KiB of the answer.' }),
    lastError: z.string().nullable(),
    lastAttemptAt: isoTimeSchema.nullable(),
    deliveredAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;
export type WebhookDeliveryStatus = WebhookDeliveryView['status'];

/** One page of an endpoint's deliveries, newest first; `nextCursor` fetches the next. */
export const webhookDeliveryPageSchema = z
  .object({
    data: z.array(webhookDeliveryViewSchema),
    nextCursor: z.string().nullable().meta({ description: 'null on the last page.' }),
  })
  .meta({ id: 'WebhookDeliveryPage' });

export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;
