import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { createRedisConnection, getRedis, onCloseClients } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';
import { isRedisDown } from '@/server/infra/redis-health';
import type { Principal } from './principal';

// Who a presented API key or session is, kept for at most AUTH_CACHE_TTL_MS (≤ 1 s) so a busy
// integration costs one lookup a second instead of one per request. Revoking a key, banning a
// user or changing a role drops that user's entries at once in this process and, through a
// Redis channel, in every other web process; the short lifetime bounds how stale an entry can
// be even when that message is lost (Redis down), so a revocation always takes effect within a
// second.

interface Entry {
  principal: Principal;
  /** The user the entry authenticates as, for invalidation; null for an anonymous answer. */
  userId: string | null;
  expiresAt: number;
  /** Checked on every use: a key that expires while cached stops working on time. */
  validUntil: number | null;
}

/** Bounds memory under a flood of distinct keys or cookies. */
const MAX_ENTRIES = 10_000;

const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<Entry>>();
let generation = 0;
let subscribed = false;

function invalidationChannel(): string {
  return redisKey('auth-invalidate');
}

/** Told of every invalidation, local or from another node, after the cache dropped the user. */
const invalidationListeners = new Set<(userId: string) => void>();

function dropUser(userId: string): void {
  generation += 1;
  for (const [key, entry] of entries) if (entry.userId === userId) entries.delete(key);
  for (const listener of invalidationListeners) listener(userId);
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  const subscriber = createRedisConnection({ connectionName: 'taskdeck:auth-invalidate' });
  subscriber.on('message', (_channel: string, userId: string) => dropUser(userId));
  subscriber.subscribe(invalidationChannel()).catch((error: unknown) => {
    getLogger().warn({ err: error }, 'could not subscribe to auth invalidations');
  });
  onCloseClients(async () => {
    subscribed = false;
    entries.clear();
  });
}

/**
 * Calls `listener` whenever a user's credentials or rights changed, on this node or another one
 * (so live connections can be checked again); returns the unsubscribe.
 */
export function onPrincipalsInvalidated(listener: (userId: string) => void): () => void {
  subscribeOnce();
  invalidationListeners.add(listener);
  return () => invalidationListeners.delete(listener);
}

export interface LoadedPrincipal {
  principal: Principal;
  userId: string | null;
  /** The credential stops working at this time (an API key's expiry). */
  validUntil?: Date | null;
}

/**
 * The principal for `cacheKey`, from the cache when fresh, else from `load` (one load at a time
 * per key: a burst of requests with one key makes one query). Errors are never cached.
 */
export async function resolveCachedPrincipal(
  cacheKey: string,
  load: () => Promise<LoadedPrincipal>,
): Promise<Principal> {
  const ttl = getEnv().AUTH_CACHE_TTL_MS;
  if (ttl === 0) return (await load()).principal;
  subscribeOnce();
  const now = Date.now();
  const cached = entries.get(cacheKey);
  if (cached && cached.expiresAt > now && (cached.validUntil ?? Infinity) > now) {
    return cached.principal;
  }
  let pending = loading.get(cacheKey);
  if (!pending) {
    const startedAt = generation;
    pending = load()
      .then((loaded): Entry => {
        const entry: Entry = {
          principal: loaded.principal,
          userId: loaded.userId,
          expiresAt: Date.now() + ttl,
          validUntil: loaded.validUntil?.getTime() ?? null,
        };
        // An invalidation that arrived while loading may concern what was just read.
        const usable = entry.validUntil === null || entry.validUntil > Date.now();
        if (generation === startedAt && usable) {
          if (entries.size >= MAX_ENTRIES) entries.clear();
          entries.set(cacheKey, entry);
        }
        return entry;
      })
      .finally(() => loading.delete(cacheKey));
    loading.set(cacheKey, pending);
  }
  return (await pending).principal;
}

/**
 * Forgets everything cached for this user, here and on every other web node. Call it after the
 * change is committed (revoke, ban, role change, sign-out everywhere).
 */
export async function invalidateUserPrincipals(userId: string): Promise<void> {
  dropUser(userId);
  if (isRedisDown()) return; // the other nodes' entries expire within the TTL anyway
  await getRedis()
    .publish(invalidationChannel(), userId)
    .catch((error: unknown) =>
      getLogger().warn({ err: error, userId }, 'could not broadcast an auth invalidation'),
    );
}
