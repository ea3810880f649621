import { createHash } from 'node:crypto';
import { UnauthorizedError } from '@/lib/errors';
import { authenticateApiKey } from './api-keys';
import { ANONYMOUS, clientIpOf, type Principal } from './principal';
import { resolveCachedPrincipal } from './principal-cache';

// How a request proves who it is. Kept apart from principal.ts (who may see what) because the
// API-key path records audit entries, and the audit log checks principals: one module holding
// both made a runtime import cycle (principal → api-keys → audit-service → principal).

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
  // Loaded on first use: the web process starts without Better Auth (a request that carries a
  // cookie is the first to need it), and the worker, which never reads a session, never loads it.
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
