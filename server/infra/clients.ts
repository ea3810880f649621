import { PrismaPg } from '@prisma/adapter-pg';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { getEnv } from '@/lib/env';
import { restoreFastStringPrototype } from './fast-string-prototype';

// Loading ioredis (imported above, so evaluated before this line) slows every string method
// in the process until this runs: see fast-string-prototype.ts.
restoreFastStringPrototype();

// Long-lived clients, created once per process on first use and closed by closeClients().
// They live on globalThis because Next bundles its own copy of this module next to the
// custom server's: both must share one pool, not open two.

/**
 * A connection to one Redis (REDIS_URL) or to a Redis Cluster (REDIS_CLUSTER_NODES). Code that
 * takes one sends only commands whose keys share a hash slot (server/queues/queue-clients.ts).
 */
export type RedisClient = Redis | Cluster;

interface Clients {
  prisma?: PrismaClient;
  pool?: pg.Pool;
  redis?: RedisClient;
  extraRedis: Set<RedisClient>;
  closers: Array<() => Promise<void>>;
}

const globalForClients = globalThis as { __taskdeckClients?: Clients };

function clients(): Clients {
  globalForClients.__taskdeckClients ??= { extraRedis: new Set(), closers: [] };
  return globalForClients.__taskdeckClients;
}

export function getPrisma(): PrismaClient {
  const state = clients();
  state.prisma ??= createPrismaClient();
  return state.prisma;
}

/**
 * The connection pool under Prisma, for the few hot statements that run as named prepared
 * statements (server/db/prepared-statement.ts): Prisma's raw queries are parsed and planned
 * anew each time, which for the multi-row status change cost more than running it.
 */
export function getPgPool(): pg.Pool {
  getPrisma();
  const pool = clients().pool;
  if (!pool) throw new Error('The Postgres pool was not created');
  return pool;
}

function createPrismaClient(): PrismaClient {
  const env = getEnv();
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.DATABASE_POOL_MAX,
    // pg waits for a free connection for ever by default: a stuck database would hold every
    // request open. This bounds the wait (and the connect) for plain queries.
    connectionTimeoutMillis: env.DATABASE_POOL_TIMEOUT_MS,
  });
  // An idle connection that breaks (Postgres restarted) must not crash the process.
  pool.on('error', () => undefined);
  clients().pool = pool;
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return new PrismaClient({
    adapter,
    // Prisma gives up on getting a transaction's connection after 2 s by default (P2028), so a
    // burst of creates failed while the pool was merely busy. Transactions wait as long as plain
    // queries do instead.
    transactionOptions: {
      maxWait: env.DATABASE_POOL_TIMEOUT_MS,
      timeout: env.DATABASE_TX_TIMEOUT_MS,
    },
  });
}

const COMMAND_RECONNECT_MAX_MS = 1_000;

/** The shared command connection. Never use it for SUBSCRIBE or blocking commands. */
export function getRedis(): RedisClient {
  const state = clients();
  // Fail fast during an outage instead of queueing commands forever (health must answer).
  // A command waits for at most two reconnect attempts: ioredis 6 spaces them up to 5 s
  // apart by default, which made every request touching Redis wait ~10 s for its 503.
  state.redis ??= createRedisConnection({
    connectionName: 'taskdeck:commands',
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, COMMAND_RECONNECT_MAX_MS),
  });
  return state.redis;
}

/**
 * Where this process PUBLISHes. A Cluster sends a keyless command such as PUBLISH to a random
 * node, and messages published through different nodes reach a subscriber in no set order (a
 * task's "running" arrived after its "succeeded"): so every publish goes through one master,
 * the first by address, whose cluster bus forwards them in order. Until the cluster has
 * connected there is no node list, and the cluster client itself is used.
 */
export function getPublisher(): RedisClient {
  const redis = getRedis();
  if (!(redis instanceof Cluster)) return redis;
  const masters = redis
    .nodes('master')
    .filter((node) => node.status === 'ready')
    .sort((a, b) => nodeAddress(a).localeCompare(nodeAddress(b)));
  return masters[0] ?? redis;
}

function nodeAddress(node: Redis): string {
  return `${node.options.host ?? ''}:${String(node.options.port ?? '')}`;
}

/**
 * A dedicated connection (subscribers, BullMQ workers). Closed with the others on shutdown.
 * BullMQ requires maxRetriesPerRequest: null for blocking connections.
 */
export function createRedisConnection(options: RedisOptions = {}): RedisClient {
  const merged: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  const nodes = getEnv().REDIS_CLUSTER_NODES;
  const connection = nodes
    ? createClusterConnection(nodes, merged)
    : new Redis(getEnv().REDIS_URL, merged);
  // ioredis reconnects by itself; without a listener an outage would crash the process.
  connection.on('error', () => undefined);
  clients().extraRedis.add(connection);
  return connection;
}

/**
 * The same options for a Cluster: the reconnect policy applies to the cluster as a whole (a
 * node's own connection is not retried; ioredis follows MOVED and refreshes the slots), the
 * rest (maxRetriesPerRequest, which BullMQ checks there, connectionName) to each node.
 */
function createClusterConnection(
  nodes: Array<{ host: string; port: number }>,
  options: RedisOptions,
): Cluster {
  const { retryStrategy, enableReadyCheck, enableOfflineQueue, ...redisOptions } = options;
  return new Cluster(nodes, {
    enableReadyCheck,
    enableOfflineQueue,
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
    redisOptions,
  });
}

/** Registers something else to close on shutdown (queues, the Socket.IO server). */
export function onCloseClients(closer: () => Promise<void>): void {
  clients().closers.push(closer);
}

export async function closeClients(): Promise<void> {
  const state = clients();
  const closers = state.closers.splice(0).reverse();
  for (const close of closers) await close().catch(() => undefined);
  await state.prisma?.$disconnect().catch(() => undefined);
  state.prisma = undefined;
  state.pool = undefined;
  state.redis = undefined;
  for (const connection of state.extraRedis) await closeRedisConnection(connection);
  state.extraRedis.clear();
}

export async function closeRedisConnection(connection: RedisClient): Promise<void> {
  // QUIT on a connection that is down would wait for a reconnect that may never come.
  if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
}
