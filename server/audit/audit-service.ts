import { z } from 'zod';
import { calendarDateSchema } from '@/lib/validation/calendar';
import type { Prisma } from '@/lib/generated/prisma/client';
import { uuid7 } from '@/lib/uuid7';
import { decodeKeysetCursor, rowsAfter, toKeysetPage } from '@/server/db/keyset-cursor';
import { getPrisma } from '@/server/infra/clients';
import {
  clientIpOf,
  requireAdmin,
  type Principal,
  type UserPrincipal,
} from '@/server/auth/principal';

// The audit log: admin and security-relevant actions, append-only.

const isUuid = (id: string) => z.uuid().safeParse(id).success;

export const AUDIT_ACTIONS = [
  'api_key.create',
  'api_key.revoke',
  'user.role_change',
  'user.admin_seeded',
  'task.result_download',
  'task.cancel',
  'task.retry',
  'tasks.bulk_cancel',
  'tasks.bulk_retry',
  'queue.pause',
  'queue.resume',
  'task.run_by_hand',
  'task.replay',
  'tasks.bulk_delete',
  'schedule.create',
  'schedule.update',
  'schedule.delete',
  'schedule.pause',
  'schedule.resume',
  'schedule.run_now',
  'auth.rate_limited',
  'auth.sign_in',
  'auth.sign_in_failed',
  'user.ban',
  'user.unban',
  'api_key.revoke_all',
  'invitation.create',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.rotate_secret',
  'webhook.redeliver',
  'alert_rule.create',
  'alert_rule.update',
  'alert_rule.enable',
  'alert_rule.disable',
  'alert_rule.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditContext {
  ip: string | null;
  userAgent: string | null;
}

export const NO_AUDIT_CONTEXT: AuditContext = { ip: null, userAgent: null };

export function auditContextOf(headers: Headers): AuditContext {
  return { ip: clientIpOf(headers), userAgent: headers.get('user-agent')?.slice(0, 300) ?? null };
}

export async function recordAudit(
  actor: UserPrincipal | { email: string | null } | null,
  action: AuditAction,
  target: { type: string; id: string } | null,
  context: AuditContext,
  details?: Record<string, unknown>,
): Promise<void> {
  await getPrisma().auditEvent.create({
    data: {
      id: uuid7(),
      actorId: actor && 'userId' in actor ? actor.userId : null,
      actorEmail: actor?.email ?? null,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      details: (details ?? undefined) as Prisma.InputJsonObject | undefined,
      ip: context.ip,
      userAgent: context.userAgent,
    },
  });
}

export const listAuditQuerySchema = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().trim().min(1).max(320).optional(),
    from: calendarDateSchema().optional(),
    to: calendarDateSchema().optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

export interface AuditEventView {
  id: string;
  createdAt: string;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
  userAgent: string | null;
}

export async function listAuditEvents(
  principal: Principal,
  query: ListAuditQuery,
): Promise<{ data: AuditEventView[]; nextCursor: string | null }> {
  requireAdmin(principal);
  const where: Prisma.AuditEventWhereInput = {
    ...(query.action ? { action: query.action } : {}),
    ...(query.actor ? { actorEmail: { contains: query.actor, mode: 'insensitive' } } : {}),
  };
  const createdAt: { gte?: Date; lt?: Date } = {};
  if (query.from) createdAt.gte = new Date(`${query.from}T00:00:00Z`);
  if (query.to) createdAt.lt = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000);
  const cursor = query.cursor ? decodeKeysetCursor(query.cursor, isUuid) : null;
  if (cursor) Object.assign(where, rowsAfter(cursor, createdAt));
  else if (query.from || query.to) where.createdAt = createdAt;
  const rows = await getPrisma().auditEvent.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  return toKeysetPage(rows, query.limit, (row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actorEmail: row.actorEmail,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
    ip: row.ip,
    userAgent: row.userAgent,
  }));
}
