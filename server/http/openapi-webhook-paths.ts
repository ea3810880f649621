import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  webhookDeliveryPageSchema,
  webhookDeliveryViewSchema,
  webhookEndpointViewSchema,
  webhookSecretViewSchema,
} from '@/lib/webhooks/webhook-view';
import {
  createWebhookSchema,
  deliveryPageSchema,
  updateWebhookSchema,
} from '@/server/webhooks/webhook-input';
import { webhookEndpointListSchema } from './api-schemas';
import { CALLER, created, idParam, json, operation, WRITE } from './openapi-operations';

// The webhook operations of the OpenAPI document: every caller's own endpoints, their secret
// shown once, and their deliveries (Standard Webhooks; README, "Webhooks").

const TAG = 'Webhooks';
const endpointId = idParam('id', 'The webhook endpoint id (a UUID).');
const deliveryPath = endpointId.extend(idParam('deliveryId', 'The delivery id (a UUID).').shape);

export const webhookOperations: ZodOpenApiPathsObject = {
  '/api/v1/webhooks': {
    get: operation({
      id: 'listWebhooks',
      tag: TAG,
      summary: 'Your webhook endpoints',
      responses: json(
        '200',
        'Your endpoints, newest first, without secrets.',
        webhookEndpointListSchema,
      ),
      errors: CALLER,
    }),
    post: operation({
      id: 'createWebhook',
      tag: TAG,
      summary: 'Register a webhook endpoint',
      description:
        'The answer holds the signing `secret`, shown this once. `scope: all` is for admins (403); a refused target (loopback, private) or one endpoint too many is 422.',
      body: createWebhookSchema,
      responses: created('The endpoint with its secret.', webhookSecretViewSchema),
      errors: [...WRITE, '422', ...CALLER],
    }),
  },
  '/api/v1/webhooks/{id}': {
    get: operation({
      id: 'getWebhook',
      tag: TAG,
      summary: 'One of your webhook endpoints',
      path: endpointId,
      responses: json('200', 'The endpoint.', webhookEndpointViewSchema),
      errors: ['404', ...CALLER],
    }),
    patch: operation({
      id: 'updateWebhook',
      tag: TAG,
      summary: 'Change a webhook endpoint',
      description: 'The fields given replace the old ones; `{"enabled": false}` stops deliveries.',
      path: endpointId,
      body: updateWebhookSchema,
      responses: json('200', 'The endpoint as changed.', webhookEndpointViewSchema),
      errors: [...WRITE, '404', '422', ...CALLER],
    }),
    delete: operation({
      id: 'deleteWebhook',
      tag: TAG,
      summary: 'Delete a webhook endpoint and its deliveries',
      path: endpointId,
      responses: { '204': { description: 'Deleted.' } },
      errors: ['403', '404', ...CALLER],
    }),
  },
  '/api/v1/webhooks/{id}/rotate-secret': {
    post: operation({
      id: 'rotateWebhookSecret',
      tag: TAG,
      summary: 'A new signing secret, shown once',
      path: endpointId,
      responses: json('200', 'The endpoint with its new secret.', webhookSecretViewSchema),
      errors: ['403', '404', ...CALLER],
    }),
  },
  '/api/v1/webhooks/{id}/deliveries': {
    get: operation({
      id: 'listWebhookDeliveries',
      tag: TAG,
      summary: "The endpoint's deliveries, newest first",
      path: endpointId,
      query: deliveryPageSchema,
      responses: json('200', 'One page of deliveries.', webhookDeliveryPageSchema),
      errors: ['400', '404', ...CALLER],
    }),
  },
  '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    post: operation({
      id: 'redeliverWebhook',
      tag: TAG,
      summary: 'Send a message again (same webhook-id) as a new task',
      path: deliveryPath,
      responses: json('202', 'The delivery, being sent again.', webhookDeliveryViewSchema),
      errors: ['403', '404', '409', ...CALLER],
    }),
  },
};
