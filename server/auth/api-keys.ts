import { createHash, randomBytes } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { NotFoundError, UnauthorizedError, ValidationError } from '@/lib/errors';
import type { ApiKeyView } from '@/lib/auth/api-key-view';
import { uuid7 } from '@/lib/uuid7';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';
import { assertUnderRateLimit, consumeRateLimit } from '@/server/security/rate-limit';
import { ANONYMOUS, type Principal, type UserPrincipal } from './principal';
import {
  invalidateUserPrincipals,
  resolveCachedPrincipal,
  type LoadedPrincipal,
} from './principal-cache';

// API keys: `tdk_` + 40 random base62-ish characters. Only a SHA-256 hash is stored; the key is
// shown once, when it is made. A key acts as its owner, with the owner's current role.

const KEY_PREFIX = 'tdk_';
const SHOWN_PREFIX_LENGTH = 12;
/** last_used_at is a hint, not a log: write it at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function generateKey(): string {
  return KEY_PREFIX + randomBytes(30).toString('base64url');
}

function toView(key: {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeyView {
  const status = key.revokedAt
    ? 'revoked'
    : key.expiresAt && key.expiresAt.getTime() <= Date.now()
      ? 'expired'
      : 'active';
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    status,
  };
}

export async function createApiKey(
  user: UserPrincipal,
  input: { name: string; expiresInDays?: number },
  context: AuditContext,
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('Name the key.', [{ path: 'name', message: 'Required' }]);
  const key = generateKey();
  const created = await getPrisma().apiKey.create({
    data: {
      id: uuid7(),
      userId: user.userId,
      name,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      keyHash: hashKey(key),
      expiresAt: input.expiresInDays
        ? new Date(Date.now() + input.expiresInDays * 86_400_000)
        : null,
    },
  });
  await recordAudit(user, 'api_key.create', { type: 'api_key', id: created.id }, context, {
    name,
    expiresAt: created.expiresAt?.toISOString() ?? null,
  });
  return { key, apiKey: toView(created) };
}

export async function listApiKeys(user: UserPrincipal): Promise<ApiKeyView[]> {
  const keys = await getPrisma().apiKey.findMany({
    where: { userId: user.userId },
    orderBy: { createdAt: 'desc' },
  });
  return keys.map(toView);
}

/** Revokes one of the user's own keys; another user's key id answers 404. */
export async function revokeApiKey(
  user: UserPrincipal,
  id: string,
  context: AuditContext,
): Promise<ApiKeyView> {
  const key = await getPrisma().apiKey.findFirst({ where: { id, userId: user.userId } });
  if (!key) throw new NotFoundError('No such API key.');
  if (key.revokedAt) return toView(key);
  const revoked = await getPrisma().apiKey.update({
    where: { id },
    data: { revokedAt: new Date() },
  });
  await invalidateUserPrincipals(user.userId);
  await recordAudit(user, 'api_key.revoke', { type: 'api_key', id }, context, { name: key.name });
  return toView(revoked);
}

// When this process last wrote each key's last_used_at. A burst of requests with one key all
// read the same stale value; without this each would write the same row, queueing on its row
// lock while holding a pool connection (500 concurrent creates made 500 such writes).
const lastUsedWrites = new Map<string, number>();
const LAST_USED_WRITES_KEPT = 10_000;

/** True for the one request that should write last_used_at now; false for everyone else. */
function claimLastUsedWrite(keyId: string, stored: Date | null, now: number): boolean {
  const newest = Math.max(stored?.getTime() ?? 0, lastUsedWrites.get(keyId) ?? 0);
  if (now - newest <= LAST_USED_RESOLUTION_MS) return false;
  if (lastUsedWrites.size >= LAST_USED_WRITES_KEPT) lastUsedWrites.clear();
  lastUsedWrites.set(keyId, now);
  return true;
}

/**
 * Resolves a presented key to its owner. Failed attempts are rate-limited per client; a key
 * that works is never refused for them, so one client sending bad keys from behind a shared
 * proxy address does not lock out every integration behind it (and a working key costs no
 * Redis round trip).
 */
export async function authenticateApiKey(key: string, ip: string): Promise<Principal> {
  const hash = key.startsWith(KEY_PREFIX) ? hashKey(key) : null;
  const principal = hash
    ? await resolveCachedPrincipal(`api-key:${hash}`, () => loadKeyPrincipal(hash))
    : ANONYMOUS;
  if (principal.kind === 'user') return principal;
  const env = getEnv();
  const limit = { max: env.AUTH_RATE_LIMIT_MAX, windowSeconds: env.AUTH_RATE_LIMIT_WINDOW_S };
  const bucket = `api-key-failures:${ip}`;
  await assertUnderRateLimit(bucket, limit);
  await consumeRateLimit(bucket, limit);
  throw new UnauthorizedError('The API key is invalid, expired or revoked.');
}

/** The key's owner as a principal, or anonymous when the key cannot be used. */
async function loadKeyPrincipal(hash: string): Promise<LoadedPrincipal> {
  const found = await getPrisma().apiKey.findUnique({
    where: { keyHash: hash },
    include: { user: { select: { email: true, role: true, banned: true } } },
  });
  const now = Date.now();
  const usable =
    found &&
    !found.revokedAt &&
    !found.user.banned &&
    (!found.expiresAt || found.expiresAt.getTime() > now);
  // Unusable keys are not cached as such: each failure reaches the rate limit above anyway.
  if (!usable) return { principal: ANONYMOUS, userId: null, validUntil: new Date(now) };
  if (claimLastUsedWrite(found.id, found.lastUsedAt, now)) {
    await getPrisma().apiKey.update({
      where: { id: found.id },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return {
    principal: {
      kind: 'user',
      userId: found.userId,
      email: found.user.email,
      role: found.user.role === 'admin' ? 'admin' : 'user',
      via: 'api-key',
      apiKeyId: found.id,
    },
    userId: found.userId,
    validUntil: found.expiresAt,
  };
}
