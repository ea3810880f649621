import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { S3StorageConfig } from '@/server/storage/s3-storage';
import { findFreePortIn } from './free-ports';
import { spawnEntry, type SpawnedProcess } from './spawn-process';

// A real S3 protocol server for tests and benches: s3rver over a temporary directory, in its own
// process (s3-server-main.ts) on a free port of the caller's private range, so stopping it is a
// real outage (connections refused). Its own process also because s3rver makes list continuation
// tokens with DES, which Node 20's OpenSSL 3 refuses without the legacy provider.

export const TEST_BUCKET = 'taskdeck-test';

export interface S3TestServer {
  port: number;
  config: S3StorageConfig;
  /** The env a process needs to use this server (STORAGE_DRIVER=s3 and the S3_ variables). */
  env: Record<string, string>;
  /** Stops answering (connections refused) and starts again on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes its directory. */
  close(): Promise<void>;
}

export async function startS3Server(portRange: [number, number]): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-s3-'));
  const port = await findFreePortIn(...portRange);
  let running: SpawnedProcess | undefined;
  async function start(): Promise<void> {
    running = spawnEntry(path.join(import.meta.dirname, 's3-server-main.ts'), {
      NODE_OPTIONS: '--openssl-legacy-provider',
      S3RVER_PORT: String(port),
      S3RVER_DIR: directory,
      S3RVER_BUCKET: TEST_BUCKET,
    });
    await running.waitForOutput(/s3rver listening on \d+/, 30_000);
  }
  async function stop(): Promise<void> {
    const process = running;
    running = undefined;
    await process?.stop('SIGTERM');
  }
  await start();
  const config: S3StorageConfig = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: TEST_BUCKET,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  return {
    port,
    config,
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: config.endpoint,
      S3_BUCKET: config.bucket,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: config.accessKeyId,
      S3_SECRET_ACCESS_KEY: config.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop,
    start,
    async close() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
