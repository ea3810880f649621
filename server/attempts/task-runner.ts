import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { getEnv } from '@/lib/env';
import { PermanentTaskError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import type { Task } from '@/lib/generated/prisma/client';
import { notifyTaskFinished } from '@/server/email/completion-notice';
import { getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import {
  endCancelled,
  endFailed,
  endHandedBack,
  endRetrying,
  endSucceeded,
  type AttemptEnd,
} from './attempt-outcome';
import { computeBackoffMs } from '@/server/tasks/backoff';
import { ProgressReporter } from './progress-reporter';
import { findTaskType } from '@/server/tasks/registry';
import { loadTaskProcessor } from './task-processors';
import {
  markAttemptStarted,
  registerRunning,
  resyncCancelRequests,
  TaskCancelledError,
  unregisterRunning,
} from './running-attempts';
import { describeError, describeErrorDetail, TaskTimeoutError } from './attempt-errors';
import { transitionTask, type TaskChange } from '@/server/tasks/task-transitions';
import { TaskLogWriter } from './task-log-writer';
import { saveTaskCheckpoint } from './task-checkpoint';
import { taskOutputPrefix, type TaskOutput, type TaskType } from '@/server/tasks/task-type';
import type { TaskJobData } from '@/server/tasks/task-jobs';

/** How soon a job is tried again when Postgres could not be reached. */
const BEGIN_RETRY_DELAY_MS = 5_000;

/** The abort reason a stopping worker gives the jobs it could not wait for. */
export const SHUTDOWN_ABORT_REASON = 'taskdeck:worker-shutdown';

/**
 * Fails a job whose task the runner has already settled (failed or cancelled). Every other
 * failure of a job (BullMQ's stalled limit, a Redis error) still has a task to settle.
 */
export class AttemptSettledError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'AttemptSettledError';
  }
}

const STARTED = (): TaskChange => ({
  attempts: 'increment',
  progress: 0,
  progressMessage: 'Started',
  startedAt: new Date(),
  finishedAt: null,
  retryAt: null,
  error: null,
});

/**
 * Moves the task to running as a new attempt of this job, or returns null when the job must not
 * run: the task is gone, finished, cancelled, or now belongs to a newer job. The usual case (a
 * waiting task whose job this is) is one statement; the rest reads the task first.
 */
async function beginAttempt(
  job: Job<TaskJobData>,
  logger: Logger,
): Promise<{ task: Task; fromWaiting: boolean } | null> {
  if (job.data.unrecordedAttempt === undefined) {
    const started = await transitionTask({
      taskId: job.data.taskId,
      from: ['queued', 'delayed', 'retrying'],
      to: 'running',
      jobId: job.id,
      data: STARTED(),
    });
    if (started) return { task: started, fromWaiting: true };
  }
  const task = await getPrisma().task.findUnique({ where: { id: job.data.taskId } });
  if (!task || task.jobId !== job.id) return null;
  if (task.status === 'cancelling') {
    await endCancelled(task, 'Cancelled before the attempt could resume.');
    return null;
  }
  const unrecorded = task.status === 'running' && job.data.unrecordedAttempt === task.attempts;
  const lost = task.status === 'running' && !unrecorded;
  if (lost && task.attempts >= task.maxAttempts) {
    // Its worker died during the last attempt (BullMQ found the job stalled).
    await transitionTask({
      taskId: task.id,
      from: ['running'],
      to: 'failed',
      jobId: job.id,
      data: {
        finishedAt: new Date(),
        progressMessage: 'Failed',
        error: { code: 'worker_lost', message: 'The worker running its last attempt was lost.' },
      },
      reason: 'worker_lost: the worker running its last attempt was lost.',
    });
    return null;
  }
  const { attempts, ...startedAgain } = STARTED();
  const started = await transitionTask({
    taskId: task.id,
    from: ['queued', 'delayed', 'retrying', 'running'],
    to: 'running',
    jobId: job.id,
    // An attempt whose outcome was never recorded runs again under its own number.
    data: unrecorded ? startedAgain : { attempts, ...startedAgain },
    reason: lost
      ? 'The worker of the previous attempt was lost.'
      : unrecorded
        ? 'The outcome of this attempt could not be recorded; running it again.'
        : undefined,
  });
  if (!started) logger.info('task changed before its attempt began; skipping its job');
  return started ? { task: started, fromWaiting: false } : null;
}

/**
 * A failed, cancelled or interrupted attempt leaves no half-made outputs behind. Only a
 * successful attempt keeps them, and a task succeeds at most once.
 */
async function discardOutputs(taskId: string, logger: Logger): Promise<void> {
  await getStorage()
    .deletePrefix(taskOutputPrefix(taskId))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not remove partial outputs'));
}

/** Waits for the processor; once aborted, only until the stop deadline, then abandons it. */
function settleProcessor(
  work: Promise<TaskOutput>,
  signal: AbortSignal,
): Promise<{ output: TaskOutput } | { error: unknown } | { abandoned: true }> {
  const settled = work.then(
    (output) => ({ output }),
    (error: unknown) => ({ error }),
  );
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      const reason: unknown = signal.reason;
      // A stopping worker already waited for its jobs; the others get until the deadline.
      const waitMs =
        reason === SHUTDOWN_ABORT_REASON
          ? 0
          : reason instanceof TaskCancelledError
            ? reason.request.deadlineAt - Date.now()
            : getEnv().CANCEL_DEADLINE_MS;
      timer = setTimeout(() => resolve({ abandoned: true }), Math.max(0, waitMs));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void settled.then((outcome) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    });
  });
}

async function runAttempt(
  task: Task,
  type: TaskType,
  controller: AbortController,
  reporter: ProgressReporter,
  taskLog: TaskLogWriter,
  logger: Logger,
): Promise<AttemptEnd> {
  const payload = type.schema.safeParse(task.payload);
  if (!payload.success) {
    return endFailed(task, { code: 'invalid_payload', message: payload.error.message }, 0);
  }
  const soft = new AbortController();
  const timers: NodeJS.Timeout[] = [
    setTimeout(
      () => controller.abort(new TaskTimeoutError(type.defaults.timeoutMs)),
      type.defaults.timeoutMs,
    ),
  ];
  if (type.defaults.softTimeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        logger.info('soft time limit reached');
        reporter.report(reporter.current.progress, 'Soft time limit reached: wrapping up');
        soft.abort();
      }, type.defaults.softTimeoutMs),
    );
  }
  let outcome: Awaited<ReturnType<typeof settleProcessor>>;
  try {
    const processTask = await loadTaskProcessor(type);
    const work = processTask({
      taskId: task.id,
      attempt: task.attempts,
      payload: payload.data,
      signal: controller.signal,
      softLimit: soft.signal,
      reportProgress: (progress, message) => reporter.report(progress, message),
      log: (message, level) => taskLog.log(message, level),
      checkpoint: task.checkpoint,
      saveCheckpoint: (state) => saveTaskCheckpoint(task, state),
      storage: getStorage(),
      logger,
    });
    outcome = await settleProcessor(work, controller.signal);
  } catch (error) {
    // The processor could not be loaded, or threw before returning its promise.
    outcome = { error };
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  reporter.stop();
  const lines = await taskLog.finish();
  const { progress, message } = reporter.current;
  if (!('output' in outcome)) await discardOutputs(task.id, logger);

  if ('output' in outcome) return endSucceeded(task, outcome.output, 'Done', lines);
  const reason: unknown = controller.signal.reason;
  if (reason === SHUTDOWN_ABORT_REASON) return endHandedBack(task, progress, lines);
  if (reason instanceof TaskCancelledError) {
    const forced = 'abandoned' in outcome;
    return endCancelled(
      task,
      forced
        ? `Forced: the processor did not stop within the deadline (${message ?? 'no progress message'}).`
        : 'Stopped on request.',
      lines,
    );
  }
  const error =
    reason instanceof TaskTimeoutError ? reason : 'error' in outcome ? outcome.error : reason;
  const described = describeError(error);
  const detail = describeErrorDetail(error);
  logger.warn({ err: error }, 'task attempt failed');
  const final =
    error instanceof UnrecoverableError ||
    error instanceof PermanentTaskError ||
    task.attempts >= task.maxAttempts;
  if (final) return endFailed(task, described, progress, lines, detail);
  const retryAt = new Date(Date.now() + computeBackoffMs(type.defaults.backoff, task.attempts));
  return endRetrying(task, described, retryAt, progress, lines, detail);
}

/**
 * The BullMQ processor for every task type: runs one attempt. Retries are ours, not BullMQ's
 * (jobs have attempts: 1): a failed attempt with attempts left moves the job to delayed, so the
 * countdown the user sees is the real one, and Postgres holds the whole history.
 */
export async function runTaskJob(
  job: Job<TaskJobData>,
  token?: string,
  jobSignal?: AbortSignal,
): Promise<void> {
  const taskId = job.data.taskId;
  const logger = getLogger().child({ taskId, jobId: job.id });
  // Fires on cancel, on the hard time limit and on shutdown; the processor gets its signal.
  const controller = new AbortController();
  const onJobAbort = () => controller.abort(jobSignal?.reason);
  jobSignal?.addEventListener('abort', onJobAbort, { once: true });
  const entry = registerRunning(taskId, controller);
  let end: AttemptEnd;
  try {
    let begun: Awaited<ReturnType<typeof beginAttempt>>;
    try {
      begun = await beginAttempt(job, logger);
    } catch (error) {
      // Postgres unreachable: nothing has changed yet, so try the same job again shortly.
      logger.error({ err: error }, 'could not begin the attempt; retrying the job shortly');
      await job.moveToDelayed(Date.now() + BEGIN_RETRY_DELAY_MS, token);
      throw new DelayedError();
    }
    if (!begun) return;
    const { task } = begun;
    markAttemptStarted(entry, task.revision, {
      taskId: task.id,
      type: task.type,
      queue: task.queue,
      startedAt: (task.startedAt ?? new Date()).toISOString(),
    });
    // A cancel published before this worker held the job (the job of a lost attempt resumed);
    // with Redis down there is none to miss. A task that was waiting had none: a cancel of a
    // waiting task ends it at once, and any published since registerRunning reached us.
    if (!begun.fromWaiting) {
      await resyncCancelRequests([taskId]).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not read pending cancel requests'),
      );
    }
    const type = findTaskType(task.type);
    const reporter = new ProgressReporter(task.id, task.ownerId, task.attempts, task.revision);
    const taskLog = new TaskLogWriter(task.id, task.ownerId, task.attempts);
    // Every line of the attempt (the processor's own included) names it.
    const attemptLogger = logger.child({ attempt: task.attempts });
    try {
      end = type
        ? await runAttempt(task, type, controller, reporter, taskLog, attemptLogger)
        : await endFailed(
            task,
            { code: 'unknown_type', message: `No processor for ${task.type}.` },
            0,
          );
    } catch (error) {
      // The outcome could not be recorded (Postgres or Redis down). Failing the job would leave
      // the task `running` for ever; run the job again instead, repeating this attempt.
      logger.error({ err: error }, 'could not record the outcome; the job will run again');
      await job.updateData({ ...job.data, unrecordedAttempt: task.attempts });
      await job.moveToDelayed(Date.now() + BEGIN_RETRY_DELAY_MS, token);
      throw new DelayedError();
    } finally {
      reporter.stop();
      taskLog.close();
    }
  } finally {
    jobSignal?.removeEventListener('abort', onJobAbort);
    unregisterRunning(taskId, entry);
  }

  // Emails an owner who opted in (succeeded or failed only); never throws.
  if (end.kind === 'succeeded' || end.kind === 'failed') await notifyTaskFinished(end.task);
  switch (end.kind) {
    case 'retrying':
      await job.moveToDelayed(end.retryAt.getTime(), token);
      throw new DelayedError();
    case 'handed-back':
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    case 'failed':
      throw new AttemptSettledError(end.error.message);
    case 'cancelled':
      throw new AttemptSettledError('Cancelled');
    default:
      return;
  }
}
