import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { onTeardown } from './teardown';

// The run's own PostgreSQL cluster and Redis, on free ports: the faults crash and empty them,
// so they must never be the machine's services (5432, 6379), which other tests share.

const PG_VERSION = '15';
const READY_TIMEOUT_MS = 60_000;
const execFileAsync = promisify(execFile);

async function sh(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr?.trim() || message}`);
  }
}

export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class PrivatePostgres {
  private constructor(
    readonly cluster: string,
    readonly port: number,
  ) {}

  /** Creates and starts a trust-auth cluster; it is dropped at teardown. */
  static async create(cluster: string): Promise<PrivatePostgres> {
    const port = await findFreePort();
    await sh('pg_createcluster', [PG_VERSION, cluster, '-p', String(port), '--', '--auth=trust']);
    const postgres = new PrivatePostgres(cluster, port);
    onTeardown(`PostgreSQL cluster ${cluster}`, () => postgres.drop());
    await postgres.start();
    return postgres;
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Waits until it accepts connections (after a crash: until recovery is done). */
  start(): Promise<string> {
    return this.ctl('start');
  }

  /** `stop -m immediate`: no checkpoint, what a power cut or an OOM kill leaves behind. */
  crash(): Promise<string> {
    return this.ctl('stop', '-m', 'immediate');
  }

  async drop(): Promise<void> {
    await sh('pg_dropcluster', ['--stop', PG_VERSION, this.cluster]);
  }

  private ctl(...args: string[]): Promise<string> {
    return sh('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, this.cluster, ...args]);
  }
}

export class PrivateRedis {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** A Redis that keeps its data in an AOF (fsync every second), as production should. */
  static async create(dir: string): Promise<PrivateRedis> {
    await mkdir(dir, { recursive: true });
    const redis = new PrivateRedis(await findFreePort(), dir);
    onTeardown(`Redis on ${redis.port}`, () => redis.destroy());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await sh('redis-server', [
      ...['--port', String(this.port), '--bind', '127.0.0.1', '--daemonize', 'yes'],
      ...['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
      ...['--pidfile', this.pidFile, '--logfile', path.join(this.dir, 'redis.log')],
    ]);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    // PING answers LOADING while the AOF is replayed: ready means PONG.
    while ((await this.cli('ping').catch(() => '')).trim() !== 'PONG') {
      if (Date.now() > deadline) throw new Error(`Redis on ${this.port} did not become ready`);
      await sleep(100);
    }
  }

  /** SHUTDOWN (the AOF is flushed, so a restart loses nothing) or SHUTDOWN NOSAVE. */
  async shutdown(mode: 'save' | 'nosave' = 'save'): Promise<void> {
    const pid = await this.pid();
    await this.cli('shutdown', ...(mode === 'nosave' ? ['nosave'] : [])).catch(() => '');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (pid !== null && isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`Redis ${pid} did not stop`);
      await sleep(50);
    }
  }

  /** Stops it without saving and removes its AOF and RDB files: the next start is empty. */
  async wipe(): Promise<void> {
    await this.shutdown('nosave');
    for (const entry of await readdir(this.dir)) {
      if (entry === 'appendonlydir' || entry.endsWith('.rdb') || entry.endsWith('.aof')) {
        await rm(path.join(this.dir, entry), { recursive: true, force: true });
      }
    }
  }

  async destroy(): Promise<void> {
    await this.shutdown('nosave');
    await rm(this.dir, { recursive: true, force: true });
  }

  private get pidFile(): string {
    return path.join(this.dir, 'redis.pid');
  }

  private async pid(): Promise<number | null> {
    const text = await readFile(this.pidFile, 'utf8').catch(() => '');
    return /^\d+/.test(text) ? Number.parseInt(text, 10) : null;
  }

  cli(...args: string[]): Promise<string> {
    return sh('redis-cli', ['-p', String(this.port), ...args]);
  }
}

interface RunRecord {
  harnessPid: number;
  cluster: string;
  redisPort?: number;
  /** Set once its teardown has run: nothing of it is left. */
  cleaned?: boolean;
}

/**
 * A run killed with SIGKILL cannot tear down; the next run does it, for runs of this checkout
 * whose harness is gone: their Redis is stopped (only if that pid still is a redis-server on
 * the recorded port) and their cluster dropped.
 */
export async function cleanStaleRuns(runsDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(runsDir)) return;
  for (const name of await readdir(runsDir)) {
    const record = await readRunRecord(path.join(runsDir, name));
    if (!record || isAlive(record.harnessPid)) continue;
    log(`cleaning up the abandoned chaos run ${name}`);
    const redisDir = path.join(runsDir, name, 'redis');
    const pid = Number.parseInt(
      await readFile(path.join(redisDir, 'redis.pid'), 'utf8').catch(() => ''),
      10,
    );
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (
      record.redisPort &&
      cmdline.startsWith('redis-server') &&
      cmdline.includes(`:${record.redisPort}`)
    ) {
      process.kill(pid, 'SIGKILL');
    }
    await rm(redisDir, { recursive: true, force: true });
    const clusters = await sh('pg_lsclusters', ['--no-header']).catch(() => '');
    if (clusters.split('\n').some((line) => line.split(/\s+/)[1] === record.cluster)) {
      await sh('pg_dropcluster', ['--stop', PG_VERSION, record.cluster]).catch((error: Error) =>
        log(error.message),
      );
    }
    await writeRunRecord(path.join(runsDir, name), { ...record, cleaned: true });
  }
  await pruneRuns(runsDir);
}

/** Keeps the logs and reports of the last few finished runs only. */
async function pruneRuns(runsDir: string, keep = 5): Promise<void> {
  const finished: Array<{ dir: string; at: number }> = [];
  for (const name of await readdir(runsDir)) {
    const dir = path.join(runsDir, name);
    const text = await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => '{}');
    if ((JSON.parse(text) as RunRecord).cleaned)
      finished.push({ dir, at: (await stat(dir)).mtimeMs });
  }
  finished.sort((a, b) => b.at - a.at);
  for (const { dir } of finished.slice(keep)) await rm(dir, { recursive: true, force: true });
}

async function readRunRecord(dir: string): Promise<RunRecord | null> {
  const text = await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => null);
  if (!text) return null;
  const record = JSON.parse(text) as RunRecord;
  return record.cleaned ? null : record;
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(record));
}
