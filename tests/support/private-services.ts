import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

// PostgreSQL and Redis servers of a test's own, on free ports, that it may stop, crash and
// restart: never the machine's own services, which other tests and people use.

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface PrivatePostgres {
  port: number;
  /** A connection URL for one database of this cluster. */
  url(database: string): string;
  start(): Promise<void>;
  /** fast: sessions are ended; smart: waits for them (new ones are refused); immediate: a crash. */
  stop(mode?: 'fast' | 'smart' | 'immediate'): Promise<void>;
  /** Stops (if running) and removes the cluster with its data. */
  drop(): Promise<void>;
}

function pgctl(name: string, action: string, ...extra: string[]) {
  return run('pg_ctlcluster', ['--skip-systemctl-redirect', '15', name, action, ...extra]);
}

/**
 * A throwaway PostgreSQL 15 cluster (pg_createcluster, trust auth). `name` must be unique per
 * test run (include TASKDECK_TEST_SUFFIX); a cluster left behind by a killed run is replaced.
 */
export async function startPrivatePostgres(name: string): Promise<PrivatePostgres> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad cluster name ${name}`);
  await run('pg_dropcluster', ['--stop', '15', name]).catch(() => undefined);
  const port = await freePort();
  // Durability is not what these clusters test: skip fsync so they start and write fast.
  await run('pg_createcluster', [
    '15',
    name,
    '-p',
    String(port),
    '-o',
    'fsync=off',
    '-o',
    'synchronous_commit=off',
    '-o',
    'full_page_writes=off',
    '-o',
    'max_connections=60',
    '--',
    '--auth=trust',
  ]);
  const cluster: PrivatePostgres = {
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await pgctl(name, 'start');
    },
    stop: async (mode = 'fast') => {
      await pgctl(name, 'stop', '-m', mode);
    },
    drop: async () => {
      await run('pg_dropcluster', ['--stop', '15', name]);
    },
  };
  await cluster.start();
  return cluster;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** (Re)starts redis-server with the same options and data directory. */
  start(): Promise<void>;
  /** SIGTERM: the server exits as SHUTDOWN makes it, saving only what its options say. */
  stop(): Promise<void>;
  /** Stops it and removes its data directory. */
  remove(): Promise<void>;
}

/** A redis-server of the test's own; `options` are its flags (`--appendonly yes`, ...). */
export async function startPrivateRedis(options: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'taskdeck-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...options];

  async function waitForPing(): Promise<void> {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      // The ready check sends INFO, which a server may have disabled.
      enableReadyCheck: false,
    });
    client.on('error', () => undefined);
    try {
      for (let tries = 0; ; tries += 1) {
        try {
          if (client.status === 'wait') await client.connect();
          if ((await client.ping()) === 'PONG') return;
        } catch (error) {
          if (tries > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      client.disconnect();
    }
  }

  const redis: PrivateRedis = {
    port,
    url,
    async start() {
      if (child && child.exitCode === null) return;
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPing();
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async remove() {
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
