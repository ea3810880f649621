import { UnauthorizedError, ForbiddenError } from '@/lib/errors';

// Who is acting, resolved once per request or socket and passed to every service. The rules of
// who may see what live here and nowhere else; how a request proves who it is lives in
// authenticate-request.ts.

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
