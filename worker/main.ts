import { parseArgs } from 'node:util';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { startDurabilityLoops } from '@/server/durability/durability-loop';
import { closeClients } from '@/server/infra/clients';
import { startScheduleWorker } from './schedule-worker';
import { startTaskWorker } from './task-worker';

// The worker process: `tsx worker/main.ts [--queues reports,diagnostics] [--concurrency 4]`.

function parseQueues(raw: string | undefined): string[] | undefined {
  const queues = raw
    ?.split(',')
    .map((queue) => queue.trim())
    .filter(Boolean);
  return queues && queues.length > 0 ? queues : undefined;
}

async function main(): Promise<void> {
  const env = getEnv();
  const logger = getLogger();
  const { values } = parseArgs({
    options: { queues: { type: 'string' }, concurrency: { type: 'string' } },
  });
  const worker = await startTaskWorker({
    queues: parseQueues(values.queues ?? env.WORKER_QUEUES),
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  });
  const schedules = await startScheduleWorker();
  const stopDurability = startDurabilityLoops();
  logger.info({ id: worker.id, queues: worker.queues }, 'worker started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: no new jobs, waiting for active ones');
    stopDurability();
    await Promise.all([worker.stop(env.SHUTDOWN_TIMEOUT_MS), schedules.stop()]);
    await closeClients();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  getLogger().fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
