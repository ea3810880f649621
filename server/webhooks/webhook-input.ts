import { z } from 'zod';
import { webhookEventTypeSchema } from '@/lib/webhooks/webhook-events';
import { WEBHOOK_URL_MAX_LENGTH } from './webhook-target';

// What REST and the settings page send to make or change an endpoint. The URL's form is
// checked here; where it points (https, public addresses) by webhook-target.ts.

const events = z
  .array(webhookEventTypeSchema)
  .min(1, 'Choose at least one event')
  .max(20)
  .transform((list) => [...new Set(list)]);

const url = z.string().trim().min(1, 'Enter the URL').max(WEBHOOK_URL_MAX_LENGTH);

const description = z
  .string()
  .trim()
  .max(200)
  .transform((text) => (text === '' ? null : text));

export const createWebhookSchema = z
  .object({
    url,
    events,
    description: description.optional(),
    /** 'all': every task's events and the admin-only ones; admins only. */
    scope: z.enum(['own', 'all']).default('own'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const updateWebhookSchema = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.nullable().optional(),
    scope: z.enum(['own', 'all']).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type CreateWebhookInput = z.output<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.output<typeof updateWebhookSchema>;

export const deliveryPageSchema = z
  .object({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();
