import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { benchApi } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { describeMachine } from './bench-machine';
import { spawnEntry, type BenchProcess } from './bench-process';
import { parseWholeNumber, runScript } from './bench-script';
import { BENCH_SETTINGS } from './bench-settings';
import { buildCoreChildren, type CoreChildren } from './core-children';
import { obliterateRawQueues, spawnIdleRawWorkers } from './core-raw-side';
import { MiB, readRssBytes } from './process-memory';

// `npm run bench:memory [-- SETTLE_SECONDS]`: issue 13 item 5's idle figures. The production
// web and worker (dist/, as `npm start` runs them) on the bench's own database and prefix, left
// alone until idle, then RSS read from /proc; again after one request of each page a signed-in
// user sees. No GC is forced: the figures are what the processes hold when left alone. The
// floors are measured in the same run: a bare Socket.IO server, six bare BullMQ workers.

const TARGET_WEB_MIB = 180;
const TARGET_WORKER_MIB = 130;
const START_TIMEOUT_MS = 60_000;

/** The pages a signed-in user reaches, and the API reads the dashboard makes. */
function pagePaths(taskId: string): string[] {
  return [
    '/',
    `/tasks/${taskId}`,
    '/settings/api-keys',
    '/settings/notifications',
    '/sign-in',
    '/api/v1/tasks',
    `/api/v1/tasks/${taskId}`,
    '/api/health',
  ];
}

async function rssMiB(proc: BenchProcess): Promise<number> {
  return (await readRssBytes(proc.child.pid!)) / MiB;
}

async function spawnBareSocketServer(children: CoreChildren): Promise<BenchProcess> {
  const proc = spawnEntry('bare-socket', children.bareSocketEntry, {});
  await proc.waitForLine(/^BARE_SOCKET_READY$/, START_TIMEOUT_MS);
  return proc;
}

async function createOneTask(env: BenchEnv): Promise<string> {
  const { data, response } = await benchApi(env).POST('/api/v1/tasks', {
    body: { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } },
  });
  if (response.status !== 201 || !data) throw new Error(`create failed: HTTP ${response.status}`);
  return data.id;
}

async function visitPages(env: BenchEnv, taskId: string): Promise<string[]> {
  const visited: string[] = [];
  for (const path of pagePaths(taskId)) {
    const response = await fetch(`${env.url}${path}`, {
      headers: { cookie: env.sessionCookie },
      redirect: 'manual',
    });
    await response.arrayBuffer();
    visited.push(`${path} ${response.status}`);
  }
  return visited;
}

interface IdleRow {
  name: string;
  mib: number;
  target?: number;
  floor?: number;
}

function printRows(title: string, rows: IdleRow[]): void {
  console.log(title);
  for (const row of rows) {
    const target =
      row.target === undefined
        ? ''
        : `  target < ${row.target} MB: ${row.mib < row.target ? 'PASS' : 'FAIL'}`;
    const floor = row.floor === undefined ? '' : `  ${(row.mib / row.floor).toFixed(2)}× the floor`;
    console.log(`  ${row.name.padEnd(34)} ${row.mib.toFixed(0).padStart(5)} MB${target}${floor}`);
  }
}

async function measureIdleMemory(env: BenchEnv, settleMs: number): Promise<void> {
  const children = await buildCoreChildren();
  const redis = new Redis(BENCH_SETTINGS.REDIS_URL, { maxRetriesPerRequest: null });
  const bareSocket = await spawnBareSocketServer(children);
  const bareWorkers = await spawnIdleRawWorkers(children, 6);
  try {
    await sleep(settleMs);
    const floors = { socket: await rssMiB(bareSocket), workers: await rssMiB(bareWorkers.proc) };
    const atStart = { web: await rssMiB(env.web), worker: await rssMiB(env.worker) };

    const taskId = await createOneTask(env);
    const visited = await env.guard(visitPages(env, taskId));
    await sleep(settleMs);
    const afterPages = { web: await rssMiB(env.web), worker: await rssMiB(env.worker) };

    printRows(`Idle RSS ${settleMs / 1000} s after start (no GC forced):`, [
      {
        name: 'web (dist/server.mjs)',
        mib: atStart.web,
        target: TARGET_WEB_MIB,
        floor: floors.socket,
      },
      {
        name: 'worker (dist/worker.mjs)',
        mib: atStart.worker,
        target: TARGET_WORKER_MIB,
        floor: floors.workers,
      },
      { name: 'floor: bare Socket.IO server', mib: floors.socket },
      { name: 'floor: six bare BullMQ workers', mib: floors.workers },
    ]);
    printRows(`After one request of each page and one task, ${settleMs / 1000} s later:`, [
      { name: 'web', mib: afterPages.web, target: TARGET_WEB_MIB, floor: floors.socket },
      { name: 'worker', mib: afterPages.worker, target: TARGET_WORKER_MIB, floor: floors.workers },
    ]);
    console.log(`  requests: ${visited.join(', ')}`);
    console.log(`  machine: ${describeMachine()}`);
  } finally {
    await Promise.all([bareSocket.stop(), bareWorkers.proc.stop()]);
    await obliterateRawQueues(redis, bareWorkers.queueNames);
    await redis.quit();
  }
}

runScript(async () => {
  const settleSeconds = parseWholeNumber(process.argv[2], 15, 1, 600);
  await withBenchEnv((env) => measureIdleMemory(env, settleSeconds * 1000));
});
