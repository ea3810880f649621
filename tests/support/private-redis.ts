import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

// A Redis server of the test's own, on a free port, that the test may stop, restart and
// empty: never the machine's Redis, which other tiers use at the same time.

const run = promisify(execFile);

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Stops it; with `keepData: false` its AOF is removed first, so it comes back empty. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

/** What Taskdeck asks of Redis in production (README: Running Redis in production). */
export const DURABLE_REDIS_FLAGS = [
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--save',
  '',
];

/** Like the machine's own Redis: nothing kept on disk. */
export const VOLATILE_REDIS_FLAGS = ['--appendonly', 'no', '--save', ''];

/** `flags` set persistence and anything else (`--maxmemory-policy`, `--rename-command`). */
export async function createPrivateRedis(
  flags: string[] = DURABLE_REDIS_FLAGS,
): Promise<PrivateRedis> {
  const port = await findFreePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'taskdeck-redis-'));
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      await run('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--daemonize',
        'yes',
        '--dir',
        dir,
        '--logfile',
        path.join(dir, 'redis.log'),
        ...flags,
      ]);
      for (let i = 0; i < 100 && !(await ping(port)); i += 1) await sleep(50);
      if (!(await ping(port))) throw new Error(`private Redis on ${port} did not start`);
    },
    async stop({ keepData = true } = {}) {
      if (!(await ping(port))) return;
      if (!keepData) await run('redis-cli', ['-p', String(port), 'flushall']);
      await run('redis-cli', ['-p', String(port), 'shutdown', keepData ? 'save' : 'nosave']).catch(
        () => undefined,
      );
      for (let i = 0; i < 100 && (await ping(port)); i += 1) await sleep(50);
    },
    async destroy() {
      await redis.stop({ keepData: false });
      await rm(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
