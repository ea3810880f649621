import { Worker } from 'bullmq';
import { getLogger } from '@/lib/logger';
import { closeRedisConnection, createRedisConnection } from '@/server/infra/clients';
import {
  dueTimeOfTick,
  SCHEDULES_QUEUE,
  type ScheduleTickData,
} from '@/server/schedules/schedule-queue';
import { queuePrefix } from '@/server/queues/queue-clients';
import { fireScheduledRun } from '@/server/schedules/schedule-runs';

// Every worker process also turns schedule ticks into tasks: a tick is one insert and one
// enqueue, so it needs no workers of its own, and schedules keep firing while any worker runs.

const TICK_CONCURRENCY = 4;

export interface RunningScheduleWorker {
  stop(): Promise<void>;
}

export async function startScheduleWorker(): Promise<RunningScheduleWorker> {
  const logger = getLogger();
  const connection = createRedisConnection({ connectionName: 'taskdeck:worker:schedules' });
  const worker = new Worker<ScheduleTickData>(
    SCHEDULES_QUEUE,
    async (job) => {
      const dueAt = dueTimeOfTick(job.id, job.timestamp + (job.opts.delay ?? 0));
      const outcome = await fireScheduledRun(job.data, dueAt);
      logger.info(
        {
          scheduleId: job.data.scheduleId,
          dueAt: new Date(dueAt).toISOString(),
          outcome: outcome.kind,
          ...('task' in outcome ? { taskId: outcome.task.id } : { reason: outcome.reason }),
        },
        'schedule tick',
      );
      return outcome.kind;
    },
    {
      connection,
      prefix: queuePrefix(SCHEDULES_QUEUE),
      concurrency: TICK_CONCURRENCY,
      autorun: false,
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'schedule worker error'));
  worker.on('failed', (job, error) =>
    logger.error({ err: error, scheduleId: job?.data.scheduleId }, 'schedule tick failed'),
  );
  void worker.run();
  await worker.waitUntilReady();
  return {
    async stop() {
      await worker.close();
      await closeRedisConnection(connection);
    },
  };
}
