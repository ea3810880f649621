import { createHash } from 'node:crypto';
import { UnauthorizedError, ForbiddenError } from '@/lib/errors';
import { authenticateApiKey } from './api-keys';
import { resolveCachedPrincipal } from './principal-cache';

// Who is acting, resolved once per request or socket and passed to every service. The rules of
// who may see what live here and nowhere else.

export type Role = 'user' | 'admin';

export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      email: string;
      role: Role;
      via: 'session' | 'api-key';
      apiKeyId?: string;
    };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** Set by server/main.ts from the socket's address; never taken from the client. */
export const CLIENT_IP_HEADER = 'x-taskdeck-client-ip';

export function clientIpOf(headers: Headers): string {
  return headers.get(CLIENT_IP_HEADER) ?? 'unknown';
}

export function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw new UnauthorizedError();
  return principal;
}

export function requireAdmin(principal: Principal): UserPrincipal {
  const user = requireUser(principal);
  if (user.role !== 'admin') throw new ForbiddenError('Only admins can do this.');
  return user;
}

export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'user' && principal.role === 'admin';
}

/** Narrows a task query to what the principal may see: admins everything, users their own. */
export function visibleTasksWhere(principal: UserPrincipal): { ownerId?: string } {
  return principal.role === 'admin' ? {} : { ownerId: principal.userId };
}

export function canSeeTask(principal: Principal, task: { ownerId: string | null }): boolean {
  if (principal.kind !== 'user') return false;
  return principal.role === 'admin' || task.ownerId === principal.userId;
}

/** The Socket.IO room that receives every event of this owner's tasks. */
export function ownerRoom(ownerId: string | null): string {
  return `owner:${ownerId ?? 'none'}`;
}

export const ADMIN_ROOM = 'admins';

/**
 * `Authorization: Bearer <key>` authenticates as the key's owner (a bad key is a 401, not
 * anonymous); otherwise the session cookie, if any. Both answers are cached for up to a second
 * (principal-cache.ts).
 */
export async function authenticateRequest(headers: Headers): Promise<Principal> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) throw new UnauthorizedError('Use "Authorization: Bearer <key>".');
    return authenticateApiKey(match[1], clientIpOf(headers));
  }
  const cookie = headers.get('cookie');
  if (!cookie) return ANONYMOUS;
  const cacheKey = `session:${createHash('sha256').update(cookie).digest('base64url')}`;
  return resolveCachedPrincipal(cacheKey, async () => {
    const session = await readSession(headers);
    if (!session || session.user.banned) return { principal: ANONYMOUS, userId: null };
    return {
      principal: {
        kind: 'user',
        userId: session.user.id,
        email: session.user.email,
        role: session.user.role === 'admin' ? 'admin' : 'user',
        via: 'session',
      },
      userId: session.user.id,
      validUntil: session.session.expiresAt,
    };
  });
}

async function readSession(headers: Headers) {
  // Loaded on first use: the worker imports this module (task submission checks principals)
  // but never reads a session, and should not carry Better Auth for that.
  const { getAuth, throwIfDatabaseDown } = await import('./auth');
  try {
    return await getAuth().api.getSession({ headers });
  } catch (error) {
    if ((error as { statusCode?: unknown } | null)?.statusCode === 500) {
      await throwIfDatabaseDown();
    }
    throw error;
  }
}
