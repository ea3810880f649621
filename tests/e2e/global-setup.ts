import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resetServices } from '../support/reset-services';
import { spawnEntry, type SpawnedProcess } from '../support/spawn-process';

// The end-to-end tier runs the app as it ships: the production build, served by the real
// web process, with a real worker process beside it.

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  if (
    !existsSync(path.join(root, '.next/BUILD_ID')) ||
    !existsSync(path.join(root, 'dist/worker.mjs'))
  ) {
    throw new Error('No production build: run `npm run build` first (npm test does it).');
  }
  const env = project.config.env as Record<string, string>;
  await resetServices(env);
  if (env.STORAGE_DIR) await rm(env.STORAGE_DIR, { recursive: true, force: true });

  const appEnv = { ...env, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'warn' };
  const processes: SpawnedProcess[] = [];
  try {
    const web = spawnEntry('dist/server.mjs', appEnv);
    processes.push(web);
    const worker = spawnEntry('dist/worker.mjs', { ...appEnv, LOG_LEVEL: 'info' });
    processes.push(worker);
    const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
    await worker.waitForOutput(/worker started/);
    project.provide('baseUrl', url!);
  } catch (error) {
    await Promise.all(processes.map((child) => child.stop('SIGKILL')));
    throw error;
  }

  return async () => {
    const exits = await Promise.all(processes.map((child) => child.stop('SIGTERM')));
    for (const [index, exit] of exits.entries()) {
      if (exit.code !== 0) {
        console.error(`e2e process ${index} exited with ${exit.code ?? exit.signal}`);
        console.error(processes[index]?.output());
      }
    }
  };
}
