import { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { createRedisConnection } from '@/server/infra/clients';
import { listQueueNames } from '@/server/tasks/registry';
import { runTaskJob, SHUTDOWN_ABORT_REASON, type TaskJobData } from '@/server/tasks/task-runner';
import {
  describeThisHost,
  recordWorkerHeartbeat,
  removeWorker,
} from '@/server/workers/worker-presence';

const HAND_BACK_GRACE_MS = 5_000;

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([
    promise.then(() => 'done' as const),
    new Promise<'timeout'>((resolve) => setTimeout(resolve, ms, 'timeout').unref()),
  ]);
}

export interface TaskWorkerOptions {
  queues?: string[];
  concurrency?: number;
}

export interface RunningTaskWorker {
  id: string;
  queues: string[];
  workers: Worker[];
  /**
   * Stops taking jobs and waits up to timeoutMs for active ones; jobs still running then are
   * aborted and handed back to the queue for another worker, without using up an attempt.
   */
  stop(timeoutMs: number): Promise<void>;
}

/** Starts one BullMQ Worker per queue in this process, and the heartbeat that announces them. */
export async function startTaskWorker(options: TaskWorkerOptions = {}): Promise<RunningTaskWorker> {
  const env = getEnv();
  const logger = getLogger();
  const known = listQueueNames();
  const queues = options.queues ?? known;
  const unknown = queues.filter((queue) => !known.includes(queue));
  if (unknown.length > 0) {
    throw new Error(`Unknown queue(s): ${unknown.join(', ')}. Known: ${known.join(', ')}`);
  }
  const concurrency = options.concurrency ?? env.WORKER_CONCURRENCY;
  const id = `${describeThisHost().hostname}:${process.pid}:${randomUUID().slice(0, 8)}`;

  const workers = queues.map((queue) => {
    const worker = new Worker<TaskJobData>(
      queue,
      (job, token, signal) => runTaskJob(job, token, signal),
      {
        connection: createRedisConnection({ connectionName: `taskdeck:worker:${queue}` }),
        prefix: env.QUEUE_PREFIX,
        concurrency,
        autorun: false,
      },
    );
    worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
    return worker;
  });
  for (const worker of workers) void worker.run();
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  const info = {
    id,
    ...describeThisHost(),
    queues,
    concurrency,
    startedAt: new Date().toISOString(),
  };
  const beat = () =>
    recordWorkerHeartbeat(info).catch((error: unknown) =>
      logger.warn({ err: error }, 'heartbeat failed'),
    );
  await beat();
  const heartbeat = setInterval(beat, env.WORKER_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    id,
    queues,
    workers,
    async stop(timeoutMs) {
      clearInterval(heartbeat);
      await removeWorker(id).catch(() => undefined);
      const closed = Promise.all(workers.map((worker) => worker.close()));
      if ((await settlesWithin(closed, timeoutMs)) === 'timeout') {
        logger.warn({ timeoutMs }, 'active jobs outlasted the shutdown timeout; handing them back');
        for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_ABORT_REASON);
        if ((await settlesWithin(closed, HAND_BACK_GRACE_MS)) === 'timeout') {
          await Promise.all(workers.map((worker) => worker.close(true)));
        }
      }
    },
  };
}
