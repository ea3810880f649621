import { z } from 'zod';
import type { AuditContext } from '@/server/audit/audit-service';
import { createInvitation, invitationEmailSchema } from '@/server/auth/invitation-service';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { revokeUserApiKeys, setUserBanned } from '@/server/auth/user-service';
import { parseActionInput as parse } from './parse-action-input';

// Account policy on /admin/users: ban and unban, revoke a user's keys, invite someone.

const userIdSchema = z.object({ userId: z.string().min(1).max(64) });
const banSchema = userIdSchema.extend({ banned: z.boolean() });
const invitationSchema = z.object({ email: invitationEmailSchema });

export const accountActionHandlers = {
  async setUserBanned(
    principal: Principal,
    context: AuditContext,
    userId: unknown,
    banned: unknown,
  ) {
    requireAdmin(principal);
    const input = parse(banSchema, { userId, banned });
    await setUserBanned(principal, input.userId, input.banned, context);
    return input;
  },

  async revokeUserApiKeys(principal: Principal, context: AuditContext, userId: unknown) {
    requireAdmin(principal);
    return revokeUserApiKeys(principal, parse(userIdSchema, { userId }).userId, context);
  },

  async createInvitation(principal: Principal, context: AuditContext, email: unknown) {
    requireAdmin(principal);
    const { path, invitation } = await createInvitation(
      principal,
      parse(invitationSchema, { email }).email,
      context,
    );
    return { path, invitation };
  },
};
