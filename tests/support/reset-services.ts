import { Redis } from 'ioredis';
import pg from 'pg';
import { migrateDatabase } from '@/server/db/migrate';
import { deleteClusterKeys } from './private-redis-cluster';

// Used by the tiers' global set-ups: every run starts from an empty, freshly migrated database
// and no leftover Redis keys under the tier's own prefix.

export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^taskdeck_[a-z0-9_]+$/.test(name) || name === 'taskdeck') {
    throw new Error(`Refusing to drop ${name}: tests only drop their own taskdeck_* databases`);
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(databaseUrl);
}

export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function resetServices(env: Record<string, string | undefined>): Promise<void> {
  const { DATABASE_URL, REDIS_URL, QUEUE_PREFIX } = env;
  if (!DATABASE_URL || !REDIS_URL || !QUEUE_PREFIX) throw new Error('test env is incomplete');
  await recreateDatabase(DATABASE_URL);
  // A cluster spreads the keys over its masters: each is scanned.
  if (env.REDIS_CLUSTER_NODES) await deleteClusterKeys(env.REDIS_CLUSTER_NODES, QUEUE_PREFIX);
  else await deleteRedisKeys(REDIS_URL, QUEUE_PREFIX);
}
