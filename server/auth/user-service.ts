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
  createdAt: string;
}

export const roleSchema = z.enum(['user', 'admin']);

export async function listUsers(principal: Principal): Promise<UserView[]> {
  requireAdmin(principal);
  const users = await getPrisma().user.findMany({ orderBy: { createdAt: 'asc' }, take: 500 });
  return users.map((user) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role === 'admin' ? 'admin' : 'user',
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
