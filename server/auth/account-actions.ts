'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { createInvitation as invite, invitationEmailSchema } from './invitation-service';
import { requireAdmin } from './principal';
import {
  revokeUserApiKeys as revokeKeys,
  roleSchema,
  setUserBanned as setBanned,
  setUserRole as setRole,
} from './user-service';

// Account policy on /admin/users: change a role, ban and unban, revoke a user's keys, invite
// someone. Every one re-renders the page.

const userIdSchema = z.object({ userId: z.string().min(1).max(64) });
const USERS_PAGE = '/admin/users';

export const setUserRole = defineAction({
  name: 'setUserRole',
  args: ['userId', 'role'],
  input: userIdSchema.extend({ role: roleSchema }),
  revalidate: USERS_PAGE,
  run: async (principal, context, { userId, role }) => {
    await setRole(principal, userId, role, context);
    return { userId, role };
  },
});

export const setUserBanned = defineAction({
  name: 'setUserBanned',
  args: ['userId', 'banned'],
  input: userIdSchema.extend({ banned: z.boolean() }),
  guard: requireAdmin,
  revalidate: USERS_PAGE,
  run: async (principal, context, input) => {
    await setBanned(principal, input.userId, input.banned, context);
    return input;
  },
});

export const revokeUserApiKeys = defineAction({
  name: 'revokeUserApiKeys',
  args: ['userId'],
  input: userIdSchema,
  guard: requireAdmin,
  revalidate: USERS_PAGE,
  run: (principal, context, { userId }) => revokeKeys(principal, userId, context),
});

export const createInvitation = defineAction({
  name: 'createInvitation',
  args: ['email'],
  input: z.object({ email: invitationEmailSchema }),
  guard: requireAdmin,
  revalidate: USERS_PAGE,
  run: async (principal, context, { email }) => {
    const { path, invitation } = await invite(principal, email, context);
    return { path, invitation };
  },
});
