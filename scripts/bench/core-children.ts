import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BENCH_SUFFIX, ROOT } from './bench-settings';

// The core-path benchmark's own child code (the pg query counter preloaded into web and
// worker, and the bare BullMQ worker), built to plain JavaScript at the start of a run: the
// production processes run on plain node, and a `--import tsx` would add the transpiler's
// memory and CPU to the very figures being measured.

export interface CoreChildren {
  /** Where the children's files live for this run (counts files too). */
  dir: string;
  /** The `node` flags that preload the query counter. */
  counterArgs: string[];
  /** The bare worker, relative to ROOT (as spawnEntry takes it). */
  rawWorkerEntry: string;
  /** The bare Socket.IO server (the web's memory floor), relative to ROOT. */
  bareSocketEntry: string;
}

export async function buildCoreChildren(): Promise<CoreChildren> {
  const relativeDir = `.data/bench${BENCH_SUFFIX}-core`;
  const dir = path.join(ROOT, relativeDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      'pg-query-counter': 'scripts/bench/pg-query-counter.ts',
      'core-raw-worker': 'scripts/bench/core-raw-worker.ts',
      'bare-socket-server': 'scripts/bench/bare-socket-server.ts',
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // From ROOT/.data/… `pg` and `bullmq` resolve to ROOT/node_modules: the same copy of pg
    // the web and worker load, which is the one whose Client the counter patches.
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    dir,
    counterArgs: ['--import', pathToFileURL(path.join(dir, 'pg-query-counter.mjs')).href],
    rawWorkerEntry: `${relativeDir}/core-raw-worker.mjs`,
    bareSocketEntry: `${relativeDir}/bare-socket-server.mjs`,
  };
}
