import { rm } from 'node:fs/promises';
import { startPrivateRedisCluster, keysPerMaster } from './private-redis-cluster';
import { deleteRedisKeys, recreateDatabase } from './reset-services';
import { startS3Server } from './s3-server';
import { spawnEntry, type SpawnedProcess } from './spawn-process';

// Several web and worker processes of the production build on shared services, as a
// multi-machine deployment runs them. Where the services come from is pluggable: the machine's
// Redis and Postgres with names of our own today; a private Redis Cluster and an S3 server
// are other providers returning the env that points the processes at them.

export interface ScaleOutServices {
  /** What every process (and the test itself) needs to reach the services. */
  env: Record<string, string>;
  /** Removes what the provider made (never what it did not). */
  teardown(): Promise<void>;
  /** On a Redis Cluster: the keys each master holds. */
  keysPerMaster?: () => Promise<Map<string, string[]>>;
}

export type ServicesProvider = (base: Record<string, string>) => Promise<ScaleOutServices>;

/** The tier's database URL with `_<name>` appended to the database: a database of the run's own. */
function ownDatabaseUrl(base: Record<string, string>, name: string): string {
  const database = new URL(base.DATABASE_URL ?? '');
  database.pathname = `${database.pathname}_${name}`;
  return database.toString();
}

/** The machine's Redis and Postgres, with a database, queue prefix and storage of our own. */
export const machineServices =
  (name: string): ServicesProvider =>
  async (base) => {
    const database = ownDatabaseUrl(base, name);
    const prefix = `{taskdeck-${name.replaceAll('_', '-')}${(base.QUEUE_PREFIX ?? '').replace(/[{}]/g, '-')}}`;
    const storage = `${base.STORAGE_DIR ?? '.data/storage'}-${name}`;
    const env = {
      DATABASE_URL: database,
      REDIS_URL: base.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: prefix,
      STORAGE_DIR: storage,
    };
    await recreateDatabase(env.DATABASE_URL);
    await deleteRedisKeys(env.REDIS_URL, prefix);
    await rm(storage, { recursive: true, force: true });
    return {
      env,
      async teardown() {
        await deleteRedisKeys(env.REDIS_URL, prefix);
        await rm(storage, { recursive: true, force: true });
      },
    };
  };

/**
 * A deployment's shared services as several machines would have them: a private Redis Cluster of
 * 3 masters and a real S3 protocol server (s3rver), both started here and stopped on teardown,
 * with a database of our own on the machine's Postgres.
 */
export const clusterServices =
  (
    name: string,
    ports: { redis: { from: number; to: number }; s3: [number, number] },
  ): ServicesProvider =>
  async (base) => {
    const database = ownDatabaseUrl(base, name);
    await recreateDatabase(database);
    const redis = await startPrivateRedisCluster({ portRange: ports.redis });
    const s3 = await startS3Server(ports.s3).catch(async (error: unknown) => {
      await redis.stop();
      throw error;
    });
    return {
      env: {
        DATABASE_URL: database,
        REDIS_CLUSTER_NODES: redis.nodes,
        QUEUE_PREFIX: '{taskdeck}',
        ...s3.env,
      },
      keysPerMaster: () => keysPerMaster(redis.nodes, '{taskdeck}'),
      async teardown() {
        await s3.close();
        await redis.stop();
      },
    };
  };

export interface ScaleOutCluster {
  webUrls: string[];
  webs: SpawnedProcess[];
  workers: SpawnedProcess[];
  stop(): Promise<void>;
}

export async function startScaleOutCluster(options: {
  env: Record<string, string>;
  webs: number;
  workers: number;
}): Promise<ScaleOutCluster> {
  const appEnv = { ...options.env, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'warn' };
  const webs = Array.from({ length: options.webs }, () => spawnEntry('dist/server.mjs', appEnv));
  const workers = Array.from({ length: options.workers }, () =>
    spawnEntry('dist/worker.mjs', { ...appEnv, LOG_LEVEL: 'info' }),
  );
  const all = [...webs, ...workers];
  try {
    const webUrls = await Promise.all(
      webs.map(async (web) => (await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m, 120_000))[1]!),
    );
    await Promise.all(workers.map((worker) => worker.waitForOutput(/worker started/, 120_000)));
    return {
      webUrls,
      webs,
      workers,
      async stop() {
        await Promise.all(all.map((child) => child.stop('SIGTERM')));
      },
    };
  } catch (error) {
    await Promise.all(all.map((child) => child.stop('SIGKILL')));
    throw error;
  }
}
