import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { persistenceWarnings, readRedisPersistence } from '@/server/health/redis-persistence';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis';

// What health reads about Redis's persistence, from real redis-servers started with the
// settings in question, including one whose CONFIG command is disabled as on managed Redis.

const servers: PrivateRedis[] = [];
const connections: Redis[] = [];

async function connect(options: string[]): Promise<Redis> {
  const server = await createPrivateRedis(options);
  servers.push(server);
  // No ready check: it sends INFO, which one of these servers refuses.
  const connection = new Redis(server.url, { maxRetriesPerRequest: 1, enableReadyCheck: false });
  connections.push(connection);
  return connection;
}

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.disconnect();
  for (const server of servers.splice(0)) await server.destroy();
});

describe('readRedisPersistence', () => {
  it('a Redis that keeps nothing on disk: warned', async () => {
    const persistence = await readRedisPersistence(
      await connect(['--save', '', '--appendonly', 'no']),
    );
    expect(persistence).toEqual({
      aof: false,
      rdb: false,
      maxmemoryPolicy: 'noeviction',
      source: 'config',
    });
    expect(persistenceWarnings(persistence)).toEqual([
      expect.stringMatching(/^Redis keeps nothing on disk/),
    ]);
  });

  it('RDB snapshots alone are enough to keep jobs across a restart: no warning', async () => {
    const persistence = await readRedisPersistence(
      await connect(['--save', '60 1', '--appendonly', 'no']),
    );
    expect(persistence).toMatchObject({ aof: false, rdb: true });
    expect(persistenceWarnings(persistence)).toEqual([]);
  });

  it('an evicting maxmemory-policy is warned even with AOF on', async () => {
    const persistence = await readRedisPersistence(
      await connect(['--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']),
    );
    expect(persistence).toMatchObject({ aof: true, maxmemoryPolicy: 'allkeys-lru' });
    expect(persistenceWarnings(persistence)).toEqual([
      expect.stringMatching(/maxmemory-policy is allkeys-lru/),
    ]);
  });

  it('with CONFIG disabled it falls back to INFO, and says what it cannot know', async () => {
    const noAof = await connect([
      '--save',
      '',
      '--appendonly',
      'no',
      '--rename-command',
      'CONFIG',
      '',
    ]);
    expect(await noAof.config('GET', 'appendonly').catch((error: Error) => error)).toBeInstanceOf(
      Error,
    );
    const unknown = await readRedisPersistence(noAof);
    expect(unknown).toEqual({
      aof: false,
      rdb: 'unknown',
      maxmemoryPolicy: 'noeviction',
      source: 'info',
    });
    // Without knowing whether RDB snapshots are on, it does not claim Redis loses data.
    expect(persistenceWarnings(unknown)).toEqual([]);

    const evicting = await connect([
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'volatile-lru',
      '--rename-command',
      'CONFIG',
      '',
    ]);
    const fromInfo = await readRedisPersistence(evicting);
    expect(fromInfo).toMatchObject({ aof: true, maxmemoryPolicy: 'volatile-lru', source: 'info' });
    expect(persistenceWarnings(fromInfo)).toEqual([
      expect.stringMatching(/maxmemory-policy is volatile-lru/),
    ]);
  });

  it('a Redis that refuses CONFIG and INFO alike is reported unknown, not an error', async () => {
    const locked = await connect([
      '--save',
      '',
      '--rename-command',
      'CONFIG',
      '',
      '--rename-command',
      'INFO',
      '',
    ]);
    const persistence = await readRedisPersistence(locked);
    expect(persistence).toEqual({
      aof: 'unknown',
      rdb: 'unknown',
      maxmemoryPolicy: 'unknown',
      source: 'unknown',
    });
    expect(persistenceWarnings(persistence)).toEqual([]);
  });
});
