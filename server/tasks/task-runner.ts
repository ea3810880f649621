import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { getLogger } from '@/lib/logger';
import { nowMs, type TaskUpdate } from '@/lib/realtime/events';
import type { TaskErrorView } from '@/lib/tasks/task-view';
import { Prisma, type Task } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';
import { getStorage } from '@/server/storage/storage';
import { ProgressReporter } from './progress-reporter';
import { findTaskType } from './registry';
import { resultUrlFor } from './task-mapper';
import type { TaskOutput } from './task-type';

export interface TaskJobData {
  taskId: string;
}

/** The abort reason a stopping worker gives the jobs it could not wait for. */
export const SHUTDOWN_ABORT_REASON = 'taskdeck:worker-shutdown';

class TaskTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The task took longer than its limit of ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'TaskTimeoutError';
  }
}

/** Marks the task running as a new attempt; null when it is gone or already finished. */
async function startAttempt(taskId: string): Promise<Task | null> {
  try {
    return await getPrisma().task.update({
      // 'running' too: a job whose worker died is handed to another as a new attempt.
      where: { id: taskId, status: { in: ['queued', 'running'] } },
      data: {
        status: 'running',
        attempts: { increment: 1 },
        seq: 1,
        progress: 0,
        progressMessage: 'Started',
        startedAt: new Date(),
        finishedAt: null,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2025') return null;
    throw error;
  }
}

function publishUpdate(task: Task, update: Omit<TaskUpdate, 'id' | 'attempt' | 'emittedAt'>) {
  return publishBusMessage({
    kind: 'task.updated',
    ownerId: task.ownerId,
    update: { id: task.id, attempt: task.attempts, emittedAt: nowMs(), ...update },
  });
}

function describeError(error: unknown): TaskErrorView {
  if (error instanceof TaskTimeoutError) return { code: 'timeout', message: error.message };
  if (error instanceof Error) return { code: error.name || 'Error', message: error.message };
  return { code: 'Error', message: String(error) };
}

/**
 * Runs one attempt of a task: the BullMQ processor. Postgres is updated before each status
 * event is published, so a reload never shows less than a live client saw.
 */
export async function runTaskJob(
  job: Job<TaskJobData>,
  token?: string,
  jobSignal?: AbortSignal,
): Promise<void> {
  const logger = getLogger().child({ taskId: job.data.taskId, jobId: job.id });
  const task = await startAttempt(job.data.taskId);
  if (!task) {
    logger.info('task is gone or finished; skipping its job');
    return;
  }
  await publishUpdate(task, {
    seq: 1,
    status: 'running',
    progress: 0,
    progressMessage: 'Started',
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: null,
  });

  const reporter = new ProgressReporter(task.id, task.ownerId, task.attempts, 1);
  try {
    const output = await processTask(task, reporter, logger, jobSignal);
    await reporter.flush();
    await finishAttempt(task, reporter, { status: 'succeeded', output });
  } catch (error) {
    await reporter.flush();
    if (jobSignal?.aborted && jobSignal.reason === SHUTDOWN_ABORT_REASON) {
      // Not the task's fault: hand it back at once, without using up one of its attempts.
      await finishAttempt(task, reporter, {
        status: 'queued',
        error: {
          code: 'interrupted',
          message: 'Interrupted by a worker shutdown; it will resume.',
        },
      });
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const unrecoverable = error instanceof UnrecoverableError;
    const lastAttempt = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const described = describeError(error);
    logger.warn({ err: error, attempt: task.attempts, lastAttempt }, 'task attempt failed');
    await finishAttempt(task, reporter, {
      status: lastAttempt ? 'failed' : 'queued',
      error: described,
    });
    // BullMQ decides on the retry and its backoff from here.
    throw error;
  }
}

async function processTask(
  task: Task,
  reporter: ProgressReporter,
  logger: Logger,
  jobSignal: AbortSignal | undefined,
): Promise<TaskOutput> {
  const type = findTaskType(task.type);
  if (!type) throw new UnrecoverableError(`No processor for task type ${task.type}.`);
  const payload = type.schema.safeParse(task.payload);
  if (!payload.success) {
    throw new UnrecoverableError(`The stored payload is no longer valid: ${payload.error.message}`);
  }

  const controller = new AbortController();
  const timeout = setTimeout(
    () => controller.abort(new TaskTimeoutError(type.defaults.timeoutMs)),
    type.defaults.timeoutMs,
  );
  const onJobAbort = () => controller.abort(jobSignal?.reason);
  jobSignal?.addEventListener('abort', onJobAbort, { once: true });
  try {
    const work = type.process({
      taskId: task.id,
      attempt: task.attempts,
      payload: payload.data,
      signal: controller.signal,
      reportProgress: (progress, message) => reporter.report(progress, message),
      storage: getStorage(),
      logger,
    });
    // A processor that ignores its signal still ends the attempt at the deadline.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
        once: true,
      });
    });
    return await Promise.race([work, aborted]);
  } finally {
    clearTimeout(timeout);
    jobSignal?.removeEventListener('abort', onJobAbort);
  }
}

type AttemptOutcome =
  | { status: 'succeeded'; output: TaskOutput }
  | { status: 'failed' | 'queued'; error: TaskErrorView };

async function finishAttempt(task: Task, reporter: ProgressReporter, outcome: AttemptOutcome) {
  const seq = reporter.seq + 1;
  const finishedAt = outcome.status === 'queued' ? null : new Date();
  const { progress, message } = reporter.current;
  const succeeded = outcome.status === 'succeeded';
  const progressMessage = succeeded
    ? 'Done'
    : outcome.status === 'queued'
      ? outcome.error.code === 'interrupted'
        ? outcome.error.message
        : `Will retry: ${outcome.error.message}`.slice(0, 200)
      : (message ?? 'Failed');
  const result = succeeded
    ? ({
        ...outcome.output.result,
        ...(outcome.output.file ? { file: outcome.output.file } : {}),
      } as Prisma.InputJsonObject)
    : undefined;
  const error = succeeded ? null : outcome.error;

  const { count } = await getPrisma().task.updateMany({
    where: { id: task.id, attempts: task.attempts, status: 'running' },
    data: {
      status: outcome.status,
      seq,
      progress: succeeded ? 100 : progress,
      progressMessage,
      finishedAt,
      ...(result ? { result } : {}),
      error: error ? { ...error } : Prisma.DbNull,
    },
  });
  // Zero rows: the task was finished elsewhere meanwhile; this late outcome is ignored.
  if (count === 0) return;
  await publishUpdate(task, {
    seq,
    status: outcome.status,
    progress: succeeded ? 100 : progress,
    progressMessage,
    finishedAt: finishedAt?.toISOString() ?? null,
    error,
    ...(result ? { result, resultUrl: 'file' in result ? resultUrlFor(task.id) : null } : {}),
  });
}
