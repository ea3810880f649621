import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPrivatePostgres, type PrivatePostgres } from '@/tests/support/private-postgres';
import { createPrivateRedis, type PrivateRedis } from '@/tests/support/private-redis';
import { onTeardown } from './teardown';

// The run's own PostgreSQL cluster (migrated) and AOF Redis, on free ports (the test support
// helpers): the faults crash and empty them, so they are never the machine's services. Each is
// torn down at the end, and a run record lets the next run clean up after one killed outright.

const run = promisify(execFile);

export interface PrivateServices {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
}

interface RunRecord {
  harnessPid: number;
  postgresPort?: number;
  redisPort?: number;
  /** The Redis's own --dir, to recognise it later (a port may be someone else's by then). */
  redisDir?: string;
  /** Set once its teardown has run: nothing of it is left. */
  cleaned?: boolean;
}

export async function startPrivateServices(runDir: string): Promise<PrivateServices> {
  const record: RunRecord = { harnessPid: process.pid };
  await writeRunRecord(runDir, record);
  const postgres = await createPrivatePostgres();
  onTeardown(`PostgreSQL on ${postgres.port}`, () => postgres.destroy());
  record.postgresPort = postgres.port;
  await writeRunRecord(runDir, record);
  const redis = await createPrivateRedis();
  onTeardown(`Redis on ${redis.port}`, () => redis.destroy());
  record.redisPort = redis.port;
  record.redisDir = await redisDirOf(redis.port);
  await writeRunRecord(runDir, record);
  return { postgres, redis };
}

export async function markRunCleaned(runDir: string): Promise<void> {
  const record = await readRunRecord(runDir);
  if (record) await writeRunRecord(runDir, { ...record, cleaned: true });
}

async function redisDirOf(port: number): Promise<string | undefined> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'config', 'get', 'dir']).catch(
    () => ({ stdout: '' }),
  );
  return stdout.trim().split('\n')[1];
}

/**
 * For the runs of this checkout whose harness is gone without tearing down (SIGKILL): their
 * app processes are killed, their Redis stopped if the one on its port still has its
 * directory, their cluster dropped if the one on its port still has the helper's name for it.
 */
export async function cleanStaleRuns(runsDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(runsDir)) return;
  for (const name of await readdir(runsDir)) {
    const dir = path.join(runsDir, name);
    const record = await readRunRecord(dir);
    if (!record || record.cleaned || isAlive(record.harnessPid)) continue;
    log(`cleaning up the abandoned chaos run ${name}`);
    await killMarkedProcesses(`${RUN_MARKER}=${name}`);
    if (record.redisPort && record.redisDir) {
      if ((await redisDirOf(record.redisPort)) === record.redisDir) {
        await run('redis-cli', ['-p', String(record.redisPort), 'shutdown', 'nosave']).catch(
          () => undefined,
        );
      }
      await rm(record.redisDir, { recursive: true, force: true });
    }
    if (record.postgresPort) {
      const { stdout } = await run('pg_lsclusters', ['--no-header']).catch(() => ({ stdout: '' }));
      for (const [version, cluster, port] of stdout.split('\n').map((line) => line.split(/\s+/))) {
        if (port === String(record.postgresPort) && cluster === `taskdeck_test_${port}`) {
          await run('pg_dropcluster', ['--stop', version!, cluster]).catch((error: Error) =>
            log(error.message),
          );
        }
      }
    }
    await writeRunRecord(dir, { ...record, cleaned: true });
  }
  await pruneRuns(runsDir);
}

/** The app processes of a run carry `TASKDECK_CHAOS_RUN=<run name>` in their environment. */
export const RUN_MARKER = 'TASKDECK_CHAOS_RUN';

/** SIGKILLs the processes whose environment holds this exact entry (a dead run's app). */
async function killMarkedProcesses(entry: string): Promise<void> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(entry)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** Keeps the logs and reports of the last few finished runs only. */
async function pruneRuns(runsDir: string, keep = 5): Promise<void> {
  const finished: Array<{ dir: string; at: number }> = [];
  for (const name of await readdir(runsDir)) {
    const dir = path.join(runsDir, name);
    if ((await readRunRecord(dir))?.cleaned) finished.push({ dir, at: (await stat(dir)).mtimeMs });
  }
  finished.sort((a, b) => b.at - a.at);
  for (const { dir } of finished.slice(keep)) await rm(dir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readRunRecord(dir: string): Promise<RunRecord | null> {
  const text = await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as RunRecord) : null;
}

async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(record));
}
