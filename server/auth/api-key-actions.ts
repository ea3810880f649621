'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { createApiKey as createKey, revokeApiKey as revokeKey } from './api-keys';
import { requireUser } from './principal';

// The API keys page (/settings/api-keys): create a key from its form, revoke one.

const createKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key').max(100),
  expiresInDays: z
    .union([z.literal(''), z.coerce.number().int().min(1).max(3650)])
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
});

export const createApiKey = defineAction({
  name: 'createApiKey',
  args: 'form',
  input: createKeySchema,
  guard: requireUser,
  revalidate: '/settings/api-keys',
  run: (principal, context, input) => createKey(requireUser(principal), input, context),
});

export const revokeApiKey = defineAction({
  name: 'revokeApiKey',
  args: ['id'],
  input: z.object({ id: z.string().min(1).max(64) }),
  guard: requireUser,
  revalidate: '/settings/api-keys',
  run: (principal, context, { id }) => revokeKey(requireUser(principal), id, context),
});
