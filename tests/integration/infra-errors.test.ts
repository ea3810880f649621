import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { RateLimitedError, ValidationError } from '@/lib/errors';
import { infrastructureErrorKind, isInfrastructureError } from '@/server/infra/infra-errors';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import {
  createPrivateRedis,
  findFreePort,
  VOLATILE_REDIS_FLAGS,
  type PrivateRedis,
} from '../support/private-redis';

// Every error the classifier knows is produced here by a real client against a real server
// (a private PostgreSQL cluster and a private redis-server that this file stops and crashes),
// so a change in Prisma, pg, ioredis or BullMQ that changes their shape fails here.

let cluster: PrivatePostgres;
let url: string;
let closedPort: number;
const clients: Array<{ $disconnect(): Promise<void> } | pg.Client> = [];

function prismaFor(connectionString: string, options: Partial<pg.PoolConfig> = {}) {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString, ...options }) });
  clients.push(client);
  return client;
}

async function pgClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

async function failure(work: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Waits until a query tagged `tag` runs, and returns its backend pid. */
async function backendRunning(observer: pg.Client, tag: string): Promise<number> {
  for (;;) {
    const { rows } = await observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${tag}%`],
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  cluster = await createPrivatePostgres();
  url = cluster.url;
  closedPort = await findFreePort();
}, 120_000);

async function closeClients(): Promise<void> {
  for (const client of clients.splice(0)) {
    await ('$disconnect' in client ? client.$disconnect() : client.end()).catch(() => undefined);
  }
}

afterAll(async () => {
  await closeClients();
  await cluster?.destroy();
}, 60_000);

describe('PostgreSQL outages are infrastructure errors', () => {
  it('nothing listening: P1001 from models and transactions, P2010 from raw SQL, ECONNREFUSED from pg', async () => {
    const prisma = prismaFor(`postgresql://postgres@127.0.0.1:${closedPort}/none`);
    const model = await failure(() => prisma.user.findFirst());
    expect(model).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P1001' });
    expect(infrastructureErrorKind(model)).toBe('postgres');
    const raw = await failure(() => prisma.$queryRaw`SELECT 1`);
    expect(raw).toMatchObject({ code: 'P2010' });
    expect(infrastructureErrorKind(raw)).toBe('postgres');
    const transaction = await failure(() => prisma.$transaction(async (tx) => tx.user.count()));
    expect(infrastructureErrorKind(transaction)).toBe('postgres');
    const direct = new pg.Client({ connectionString: `postgresql://127.0.0.1:${closedPort}/x` });
    const refused = await failure(() => direct.connect());
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(infrastructureErrorKind(refused)).toBe('network');
  });

  it('a backend terminated mid-query: 57P01 through Prisma and from pg itself', async () => {
    const observer = await pgClient();
    const prisma = prismaFor(url);
    const slow = failure(() => prisma.$queryRaw`SELECT 1 AS one, 'tag_a' AS t FROM pg_sleep(10)`);
    await observer.query('SELECT pg_terminate_backend($1)', [
      await backendRunning(observer, 'tag_a'),
    ]);
    const viaPrisma = await slow;
    expect(JSON.stringify(viaPrisma)).toContain('57P01');
    expect(infrastructureErrorKind(viaPrisma)).toBe('postgres');

    const victim = await pgClient();
    const pending = failure(() => victim.query(`SELECT 'tag_b', pg_sleep(10)`));
    await observer.query('SELECT pg_terminate_backend($1)', [
      await backendRunning(observer, 'tag_b'),
    ]);
    const viaPg = await pending;
    expect(viaPg).toMatchObject({ code: '57P01', severity: 'FATAL' });
    expect(infrastructureErrorKind(viaPg)).toBe('postgres');
  });

  it('too many connections (53300): P2037 from models, P2010 from raw SQL', async () => {
    const admin = await pgClient();
    await admin.query('DROP ROLE IF EXISTS no_slots');
    await admin.query('CREATE ROLE no_slots LOGIN CONNECTION LIMIT 0');
    const prisma = prismaFor(`postgresql://no_slots@127.0.0.1:${cluster.port}/taskdeck`);
    const model = await failure(() => prisma.user.findFirst());
    expect(model).toMatchObject({ code: 'P2037' });
    expect(isInfrastructureError(model)).toBe(true);
    const raw = await failure(() => prisma.$queryRaw`SELECT 1`);
    expect(JSON.stringify(raw)).toContain('53300');
    expect(isInfrastructureError(raw)).toBe(true);
  });

  it('an exhausted pool: P2028 for a transaction, the pool timeout for a query', async () => {
    const prisma = prismaFor(url, { max: 1, connectionTimeoutMillis: 300 });
    const held = prisma.$transaction(
      async (tx) => tx.$queryRaw`SELECT 1 AS one FROM pg_sleep(1.5)`,
      { timeout: 5_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const transaction = await failure(() =>
      prisma.$transaction(async (tx) => tx.user.count(), { maxWait: 200 }),
    );
    expect(transaction).toMatchObject({ code: 'P2028' });
    expect(String((transaction as Error).message)).toContain('Unable to start a transaction');
    expect(infrastructureErrorKind(transaction)).toBe('postgres');
    const query = await failure(() => prisma.user.findFirst());
    expect((query as Error).message).toBe('timeout exceeded when trying to connect');
    expect(infrastructureErrorKind(query)).toBe('postgres');
    await held;
  });

  it('a server shutting down refuses new sessions (57P03)', async () => {
    await closeClients();
    await pgClient();
    // A smart shutdown waits for this session to end; meanwhile new sessions are refused.
    const stopping = cluster.stop('smart');
    let refused: unknown;
    for (let tries = 0; tries < 100 && !refused; tries += 1) {
      // A new client each time: a pooled session opened before the shutdown would still work.
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      refused = await prisma.user.findFirst().then(
        () => undefined,
        (error: unknown) => error,
      );
      await prisma.$disconnect();
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await closeClients();
    await stopping;
    await cluster.start();
    expect(JSON.stringify(refused)).toContain('57P03');
    expect(refused).toMatchObject({ code: 'P2039' });
    expect(infrastructureErrorKind(refused)).toBe('postgres');
  });

  it('a crash mid-query ("Connection terminated unexpectedly"), then P1001 while it is down', async () => {
    const observer = await pgClient();
    const prisma = prismaFor(url);
    await prisma.user.count();
    const slow = failure(() => prisma.$queryRaw`SELECT 1 AS one, 'tag_c' AS t FROM pg_sleep(10)`);
    await backendRunning(observer, 'tag_c');
    await cluster.stop('immediate');
    const crashed = await slow;
    expect((crashed as Error).message).toBe('Connection terminated unexpectedly');
    expect(infrastructureErrorKind(crashed)).toBe('postgres');
    const down = await failure(() => prisma.user.create({ data: userRow('down') }));
    expect(down).toMatchObject({ code: 'P1001' });
    expect(infrastructureErrorKind(down)).toBe('postgres');
    await cluster.start();
  });
});

function userRow(label: string) {
  return {
    id: `infra-${label}`,
    name: label,
    email: `${label}@example.test`,
    emailVerified: false,
  };
}

describe('ordinary errors are not infrastructure errors', () => {
  it('a unique violation (P2002), a Prisma validation error, bad SQL, our own errors, a TypeError', async () => {
    const prisma = prismaFor(url);
    await prisma.user.deleteMany({ where: { email: 'same@example.test' } });
    await prisma.user.create({ data: { ...userRow('same'), id: 'infra-same-1' } });
    const duplicate = await failure(() =>
      prisma.user.create({ data: { ...userRow('same'), id: 'infra-same-2' } }),
    );
    expect(duplicate).toMatchObject({ code: 'P2002' });
    const invalid = await failure(() =>
      prisma.user.findFirst({ where: { nope: 1 } as unknown as { id: string } }),
    );
    expect(invalid).toMatchObject({ name: 'PrismaClientValidationError' });
    const badSql = await failure(() => prisma.$queryRawUnsafe('SELEC 1'));
    const typeError = await failure(async () => (null as unknown as { x: () => void }).x());
    for (const error of [
      duplicate,
      invalid,
      badSql,
      typeError,
      new ValidationError('bad input'),
      new RateLimitedError(3),
      new Error('Connection is closed. (not quite)'),
      'ECONNREFUSED',
      null,
    ]) {
      expect(isInfrastructureError(error), String(error)).toBe(false);
    }
  });
});

describe('Redis outages are infrastructure errors', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await createPrivateRedis(VOLATILE_REDIS_FLAGS);
  });

  afterAll(async () => {
    await redis?.destroy();
  });

  function client(options: RedisOptions = {}) {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: 1, ...options });
    connection.on('error', () => undefined);
    clients.push({ $disconnect: async () => connection.disconnect() });
    return connection;
  }

  it('ioredis and BullMQ with the server gone: MaxRetriesPerRequestError, closed streams, ECONNREFUSED', async () => {
    const commands = client();
    const queue = new Queue('infra-probe', { connection: client() });
    queue.on('error', () => undefined);
    await queue.add('first', {});
    const offline = client({ enableOfflineQueue: false });
    await new Promise((resolve) => offline.once('ready', resolve));
    const closed = client();
    await closed.ping();
    closed.disconnect();
    await redis.stop();

    const retries = await failure(() => commands.get('x'));
    expect(retries).toMatchObject({ name: 'MaxRetriesPerRequestError' });
    const add = await failure(() => queue.add('second', {}));
    expect(add).toMatchObject({ name: 'MaxRetriesPerRequestError' });
    const notWriteable = await failure(() => offline.get('x'));
    expect((notWriteable as Error).message).toMatch(/^Stream isn't writeable/);
    const afterClose = await failure(() => closed.get('x'));
    expect((afterClose as Error).message).toBe('Connection is closed.');
    const refused = await failure(() =>
      client({ lazyConnect: true, retryStrategy: () => null }).connect(),
    );
    for (const error of [retries, add, notWriteable, afterClose]) {
      expect(infrastructureErrorKind(error)).toBe('redis');
    }
    expect(isInfrastructureError(refused)).toBe(true);
    // Several at once (Promise.any, as a fallback over replicas would): an AggregateError.
    const all = await failure(() => Promise.any([commands.get('a'), commands.get('b')]));
    expect(all).toBeInstanceOf(AggregateError);
    expect(infrastructureErrorKind(all)).toBe('redis');
    await queue.close().catch(() => undefined);
    await redis.start();
  });

  it('a full Redis under noeviction refuses writes (OOM); a wrong type is no outage', async () => {
    const connection = client();
    await connection.config('SET', 'maxmemory-policy', 'noeviction');
    await connection.config('SET', 'maxmemory', '1');
    const full = await failure(() => connection.set('big', 'x'.repeat(1024)));
    expect(full).toMatchObject({ name: 'ReplyError' });
    expect((full as Error).message).toMatch(/^OOM /);
    expect(infrastructureErrorKind(full)).toBe('redis');
    await connection.config('SET', 'maxmemory', '0');
    await connection.set('text', 'x');
    const wrongType = await failure(() => connection.lpush('text', 'y'));
    expect((wrongType as Error).message).toMatch(/^WRONGTYPE/);
    expect(isInfrastructureError(wrongType)).toBe(false);
  });
});
