import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrateDatabase } from '@/server/db/migrate';
import { findFreePort } from './private-redis';

// A PostgreSQL cluster of the test's own (pg_createcluster), on a free port, that the test may
// stop, crash and restart: never the machine's cluster, which other tiers use at the same time.

const run = promisify(execFile);

export interface PrivatePostgres {
  port: number;
  /** The migrated database, `taskdeck`. */
  url: string;
  start(): Promise<void>;
  /**
   * `immediate` is a crash: no checkpoint, connections cut. `smart` waits for every session to
   * end, refusing new ones meanwhile (57P03).
   */
  stop(mode?: 'fast' | 'immediate' | 'smart'): Promise<void>;
  destroy(): Promise<void>;
}

function versionOf(): Promise<string> {
  return run('ls', ['/etc/postgresql']).then(({ stdout }) => stdout.trim().split('\n')[0] ?? '15');
}

async function isReady(port: number): Promise<boolean> {
  try {
    await run('pg_isready', ['-h', '127.0.0.1', '-p', String(port), '-q']);
    return true;
  } catch {
    return false;
  }
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const version = await versionOf();
  const port = await findFreePort();
  const name = `taskdeck_test_${port}`;
  await run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust']);
  const ctl = (...args: string[]) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, ...args]);
  const cluster: PrivatePostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/taskdeck`,
    async start() {
      await ctl('start');
      for (let i = 0; i < 100 && !(await isReady(port)); i += 1) await sleep(100);
    },
    async stop(mode = 'fast') {
      await ctl('stop', '-m', mode).catch(() => undefined);
    },
    async destroy() {
      await run('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
    },
  };
  try {
    await cluster.start();
    const admin = new pg.Client({
      connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    });
    await admin.connect();
    await admin.query('CREATE DATABASE taskdeck');
    await admin.end();
    await migrateDatabase(cluster.url);
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
