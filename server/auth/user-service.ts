import { z } from 'zod';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { requireAdmin, type Principal, type Role } from './principal';
import { invalidateUserPrincipals } from './principal-cache';

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: Role;
  banned: boolean;
  /** API keys neither revoked nor expired. */
  activeKeys: number;
  createdAt: string;
}

export const roleSchema = z.enum(['user', 'admin']);

export async function listUsers(principal: Principal): Promise<UserView[]> {
  requireAdmin(principal);
  const now = new Date();
  const users = await getPrisma().user.findMany({
    orderBy: { createdAt: 'asc' },
    take: 500,
    include: {
      _count: {
        select: {
          apiKeys: {
            where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
          },
        },
      },
    },
  });
  return users.map((user) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role === 'admin' ? 'admin' : 'user',
    banned: user.banned === true,
    activeKeys: user._count.apiKeys,
    createdAt: user.createdAt.toISOString(),
  }));
}

/** Changes a user's role. The last admin cannot be demoted, so the system always has one. */
export async function setUserRole(
  principal: Principal,
  userId: string,
  role: Role,
  context: AuditContext,
): Promise<void> {
  const actor = requireAdmin(principal);
  const prisma = getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('No such user.');
  const previous = user.role === 'admin' ? 'admin' : 'user';
  if (previous === role) return;
  if (previous === 'admin' && (await prisma.user.count({ where: { role: 'admin' } })) <= 1) {
    throw new ConflictError('This is the last admin; make someone else admin first.');
  }
  await prisma.user.update({ where: { id: userId }, data: { role } });
  await invalidateUserPrincipals(userId);
  await recordAudit(actor, 'user.role_change', { type: 'user', id: userId }, context, {
    email: user.email,
    from: previous,
    to: role,
  });
}

/**
 * Bans or unbans a user. A banned user cannot sign in (Better Auth's admin plugin refuses the
 * session), their sessions end now, and their API keys stop working at once (every node drops
 * their cached principal; keys of a banned owner are refused, and work again after an unban).
 * An admin cannot ban themselves, nor the last admin be banned.
 */
export async function setUserBanned(
  principal: Principal,
  userId: string,
  banned: boolean,
  context: AuditContext,
): Promise<void> {
  const actor = requireAdmin(principal);
  if (banned && userId === actor.userId) throw new ConflictError('You cannot ban yourself.');
  const prisma = getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('No such user.');
  if ((user.banned === true) === banned) return;
  await prisma.$transaction([
    prisma.user.update({
      where: { id: userId },
      data: banned
        ? { banned: true, banReason: `Banned by ${actor.email}` }
        : { banned: false, banReason: null, banExpires: null },
    }),
    ...(banned ? [prisma.session.deleteMany({ where: { userId } })] : []),
  ]);
  await invalidateUserPrincipals(userId);
  await recordAudit(
    actor,
    banned ? 'user.ban' : 'user.unban',
    { type: 'user', id: userId },
    context,
    {
      email: user.email,
    },
  );
}

/** An admin revokes every key of any user; they stop working at once on every node. */
export async function revokeUserApiKeys(
  principal: Principal,
  userId: string,
  context: AuditContext,
): Promise<{ revoked: number }> {
  const admin = requireAdmin(principal);
  const prisma = getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) throw new NotFoundError('No such user.');
  const { count } = await prisma.apiKey.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await invalidateUserPrincipals(userId);
  await recordAudit(admin, 'api_key.revoke_all', { type: 'user', id: userId }, context, {
    email: user.email,
    revoked: count,
  });
  return { revoked: count };
}
