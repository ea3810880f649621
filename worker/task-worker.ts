import { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { createRedisConnection } from '@/server/infra/clients';
import { subscribeCancelRequests } from '@/server/tasks/cancel-relay';
import { queuePrefix } from '@/server/queues/queue-clients';
import { findQueueConfig } from '@/server/queues/queue-config';
import { listQueueNames } from '@/server/tasks/registry';
import {
  clearBackstops,
  handleCancelRequest,
  listCurrentJobs,
  onCurrentJobsChange,
  resyncCancelRequests,
} from '@/server/attempts/running-attempts';
import { sweepAbandonedCancels } from '@/server/tasks/abandoned-cancels';
import { recoverFailedJob } from '@/server/tasks/lost-attempts';
import {
  AttemptSettledError,
  runTaskJob,
  SHUTDOWN_ABORT_REASON,
} from '@/server/attempts/task-runner';
import type { TaskJobData } from '@/server/tasks/task-jobs';
import { closeRedisConnection } from '@/server/infra/clients';
import { applyGlobalConcurrencyAtStart } from '@/server/queues/global-concurrency';
import {
  describeThisHost,
  recordWorkerHeartbeat,
  removeWorker,
} from '@/server/workers/worker-presence';

const HAND_BACK_GRACE_MS = 5_000;

/**
 * How BullMQ finds the jobs of a dead worker. The lock (renewed every 15 s) outlives a busy
 * event loop (a CSV chunk, a PDF page) by far, so a live worker is not taken for dead; the
 * check every 15 s puts a killed worker's job back within 45 s instead of BullMQ's 60.
 * BullMQ's own stalled limit is only a backstop: each stall already costs the task one of its
 * attempts (the next run finds it `running` and starts a new attempt, or fails it as
 * worker_lost after the last), and a job BullMQ fails anyway is settled by the failed handler.
 */
export const STALL_SETTINGS = { lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 3 };
/** The least time between two heartbeats made because a job started or ended. */
const CHANGE_BEAT_GAP_MS = 500;

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([
    promise.then(() => 'done' as const),
    new Promise<'timeout'>((resolve) => setTimeout(resolve, ms, 'timeout').unref()),
  ]);
}

export interface TaskWorkerOptions {
  queues?: string[];
  /** Overrides each queue's own concurrency. */
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
  const id = `${describeThisHost().hostname}:${process.pid}:${randomUUID().slice(0, 8)}`;

  // Cancel requests first, so none for a job this process is about to take is missed.
  const control = await subscribeCancelRequests(handleCancelRequest, () => {
    resyncCancelRequests().catch((error: unknown) =>
      logger.warn({ err: error }, 'could not resync cancel requests'),
    );
  });
  // Postgres may be down while this worker starts (a restart in an outage): it starts anyway,
  // and the reconciler sweeps on its next pass.
  const swept = await sweepAbandonedCancels().catch((error: unknown) => {
    logger.warn({ err: error }, 'could not sweep abandoned cancels at start');
    return 0;
  });
  if (swept > 0) logger.warn({ swept }, 'marked abandoned cancelling tasks cancelled');

  // Before taking a job: the cluster-wide limits (BullMQ's global concurrency) are in force.
  await applyGlobalConcurrencyAtStart(queues, (error) =>
    logger.warn({ err: error }, 'could not apply the queues’ global concurrency'),
  );
  const concurrency: Record<string, number> = {};
  const workers = queues.map((queue) => {
    const config = findQueueConfig(queue);
    concurrency[queue] = options.concurrency ?? env.WORKER_CONCURRENCY ?? config?.concurrency ?? 1;
    const worker = new Worker<TaskJobData>(
      queue,
      (job, token, signal) => runTaskJob(job, token, signal),
      {
        connection: createRedisConnection({ connectionName: `taskdeck:worker:${queue}` }),
        prefix: queuePrefix(queue),
        concurrency: concurrency[queue],
        ...(config?.rateLimit
          ? { limiter: { max: config.rateLimit.max, duration: config.rateLimit.durationMs } }
          : {}),
        ...STALL_SETTINGS,
        autorun: false,
      },
    );
    worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
    // Failures BullMQ decides on its own (a job stalled too often: an UnrecoverableError too)
    // or a Redis error inside the runner must reach the task; only the runner's own failures
    // (AttemptSettledError) come after the task was settled.
    worker.on('failed', (job, error) => {
      if (!job?.id || error instanceof AttemptSettledError) return;
      recoverFailedJob(job.data.taskId, job.id, error.message);
    });
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
  let stopped = false;
  let lastBeatAt = 0;
  let soon: NodeJS.Timeout | null = null;
  const beat = () => {
    if (stopped) return Promise.resolve();
    lastBeatAt = Date.now();
    // Attempts are tracked per process; several in-process workers (tests) share them by queue.
    const currentJobs = listCurrentJobs().filter((job) => queues.includes(job.queue));
    return recordWorkerHeartbeat({ ...info, currentJobs }).catch((error: unknown) =>
      logger.warn({ err: error }, 'heartbeat failed'),
    );
  };
  // A job that starts or ends is announced without waiting for the next beat, but a burst of
  // short jobs makes one extra beat per CHANGE_BEAT_GAP_MS, not one per job.
  const beatSoon = () => {
    if (soon || stopped) return;
    const wait = Math.max(0, lastBeatAt + CHANGE_BEAT_GAP_MS - Date.now());
    soon = setTimeout(() => {
      soon = null;
      void beat();
    }, wait);
    soon.unref();
  };
  await beat();
  const heartbeat = setInterval(beat, env.WORKER_HEARTBEAT_MS);
  heartbeat.unref();
  const stopWatchingJobs = onCurrentJobsChange(beatSoon);

  return {
    id,
    queues,
    workers,
    async stop(timeoutMs) {
      stopped = true;
      stopWatchingJobs();
      clearInterval(heartbeat);
      if (soon) clearTimeout(soon);
      await removeWorker(id).catch(() => undefined);
      const closed = Promise.all(workers.map((worker) => worker.close()));
      if ((await settlesWithin(closed, timeoutMs)) === 'timeout') {
        logger.warn({ timeoutMs }, 'active jobs outlasted the shutdown timeout; handing them back');
        for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_ABORT_REASON);
        if ((await settlesWithin(closed, HAND_BACK_GRACE_MS)) === 'timeout') {
          await Promise.all(workers.map((worker) => worker.close(true)));
        }
      }
      clearBackstops();
      await closeRedisConnection(control);
    },
  };
}
