import { randomBytes } from 'node:crypto';
import { NO_AUDIT_CONTEXT, recordAudit } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { getAuth } from './auth';

export interface SeededAdmin {
  email: string;
  /** Only when this call made the account with a password it generated. */
  generatedPassword?: string;
  created: boolean;
}

export const DEMO_ADMIN_EMAIL = 'admin@taskdeck.local';

/**
 * Makes sure an admin exists: the one named by ADMIN_EMAIL/ADMIN_PASSWORD, or else a demo
 * admin with a generated password, once. An existing account is never touched but promoted.
 */
export async function ensureAdmin(input: {
  email?: string;
  password?: string;
}): Promise<SeededAdmin | null> {
  const prisma = getPrisma();
  if (!input.email && (await prisma.user.count({ where: { role: 'admin' } })) > 0) return null;
  const email = (input.email ?? DEMO_ADMIN_EMAIL).toLowerCase();
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) {
    if (existing.role !== 'admin') {
      await prisma.user.update({ where: { id: existing.id }, data: { role: 'admin' } });
      await recordAudit(
        null,
        'user.admin_seeded',
        { type: 'user', id: existing.id },
        NO_AUDIT_CONTEXT,
        {
          email,
          promoted: true,
        },
      );
    }
    return { email, created: false };
  }
  const generatedPassword = input.password ? undefined : randomBytes(12).toString('base64url');
  const { user } = await getAuth().api.signUpEmail({
    body: { email, password: input.password ?? generatedPassword!, name: 'Admin' },
  });
  await prisma.user.update({ where: { id: user.id }, data: { role: 'admin' } });
  await recordAudit(null, 'user.admin_seeded', { type: 'user', id: user.id }, NO_AUDIT_CONTEXT, {
    email,
  });
  return { email, created: true, ...(generatedPassword ? { generatedPassword } : {}) };
}
