import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { uuid7 } from '@/lib/uuid7';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { requireAdmin, type Principal } from './principal';

// Invitations to sign up (SIGNUP_MODE=invite): an admin makes one for an email and hands over
// its link; the token works once, for that email, until it expires. Only its hash is stored.

const TOKEN_PREFIX = 'tdi_';
export const INVITATION_TTL_DAYS = 7;

export const invitationEmailSchema = z.email('Enter a valid email address.').max(320);

export interface InvitationView {
  id: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  status: 'pending' | 'used' | 'expired';
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toView(row: {
  id: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}): InvitationView {
  const status = row.usedAt
    ? 'used'
    : row.expiresAt.getTime() <= Date.now()
      ? 'expired'
      : 'pending';
  return {
    id: row.id,
    email: row.email,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    usedAt: row.usedAt?.toISOString() ?? null,
    status,
  };
}

/** The link's path (relative to the site) that signs the invitee up. */
export function invitationPath(token: string): string {
  return `/sign-up?invite=${encodeURIComponent(token)}`;
}

export async function createInvitation(
  principal: Principal,
  rawEmail: string,
  context: AuditContext,
): Promise<{ token: string; path: string; invitation: InvitationView }> {
  const admin = requireAdmin(principal);
  const email = normalizeEmail(rawEmail);
  const prisma = getPrisma();
  const existing = await prisma.user.findFirst({
    where: { email: { equals: email, mode: 'insensitive' } },
    select: { id: true },
  });
  if (existing) throw new ConflictError('An account with this email already exists.');
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const row = await prisma.invitation.create({
    data: {
      id: uuid7(),
      email,
      tokenHash: hashToken(token),
      createdById: admin.userId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
    },
  });
  await recordAudit(admin, 'invitation.create', { type: 'invitation', id: row.id }, context, {
    email,
    expiresAt: row.expiresAt.toISOString(),
  });
  return { token, path: invitationPath(token), invitation: toView(row) };
}

export async function listInvitations(principal: Principal): Promise<InvitationView[]> {
  requireAdmin(principal);
  const rows = await getPrisma().invitation.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });
  return rows.map(toView);
}

const NOT_VALID =
  'This invitation cannot be used: it was used already, has expired, or is for another email.';

/**
 * Takes the invitation for this sign-up (one winner however many try at once); ForbiddenError
 * when there is none. Give it back with releaseInvitation if the sign-up then fails.
 */
export async function claimInvitation(token: string, rawEmail: string): Promise<string> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) throw new ForbiddenError(NOT_VALID);
  const prisma = getPrisma();
  const found = await prisma.invitation.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!found || found.email !== normalizeEmail(rawEmail)) throw new ForbiddenError(NOT_VALID);
  const claimed = await prisma.invitation.updateMany({
    where: { id: found.id, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (claimed.count !== 1) throw new ForbiddenError(NOT_VALID);
  return found.id;
}

export async function releaseInvitation(id: string): Promise<void> {
  await getPrisma().invitation.updateMany({ where: { id }, data: { usedAt: null } });
}
