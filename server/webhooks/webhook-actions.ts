'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { requireUser } from '@/server/auth/principal';
import { redeliverWebhook as redeliver } from './webhook-deliveries';
import { createWebhookSchema, updateWebhookSchema } from './webhook-input';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret as rotateSecret,
  updateWebhookEndpoint,
} from './webhook-service';

// The webhooks page (/settings/webhooks): add an endpoint (its secret shown once), change its
// events, turn it off and on, rotate its secret, delete it, redeliver a message.

const PAGE = '/settings/webhooks';
const id = z.string().min(1).max(64);

export const createWebhook = defineAction({
  name: 'createWebhook',
  args: 'value',
  input: createWebhookSchema,
  guard: requireUser,
  revalidate: PAGE,
  run: (principal, context, input) => createWebhookEndpoint(requireUser(principal), input, context),
});

export const updateWebhook = defineAction({
  name: 'updateWebhook',
  args: ['id', 'changes'],
  input: z.object({ id, changes: updateWebhookSchema }),
  guard: requireUser,
  revalidate: PAGE,
  run: (principal, context, input) =>
    updateWebhookEndpoint(requireUser(principal), input.id, input.changes, context),
});

export const deleteWebhook = defineAction({
  name: 'deleteWebhook',
  args: ['id'],
  input: z.object({ id }),
  guard: requireUser,
  revalidate: PAGE,
  run: (principal, context, input) =>
    deleteWebhookEndpoint(requireUser(principal), input.id, context),
});

export const rotateWebhookSecret = defineAction({
  name: 'rotateWebhookSecret',
  args: ['id'],
  input: z.object({ id }),
  guard: requireUser,
  revalidate: PAGE,
  run: (principal, context, input) => rotateSecret(requireUser(principal), input.id, context),
});

export const redeliverWebhook = defineAction({
  name: 'redeliverWebhook',
  args: ['endpointId', 'deliveryId'],
  input: z.object({ endpointId: id, deliveryId: id }),
  guard: requireUser,
  revalidate: PAGE,
  run: (principal, context, input) =>
    redeliver(requireUser(principal), input.endpointId, input.deliveryId, context),
});
