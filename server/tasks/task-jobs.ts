import type { JobsOptions } from 'bullmq';
import type { TaskPriority } from '@/lib/tasks/task-view';
import { rejectAfter } from '@/lib/time-limit';
import type { Task } from '@/lib/generated/prisma/client';
import { createGroupCommit } from '@/lib/group-commit';
import { getQueue } from '@/server/queues/queue-clients';

/** What a task's BullMQ job carries: the task row holds everything else. */
export interface TaskJobData {
  taskId: string;
  /**
   * Set when this attempt ran but its outcome could not be recorded (Postgres down): the next
   * run of the job repeats that attempt instead of counting it as lost.
   */
  unrecordedAttempt?: number;
}

// BullMQ takes lower numbers first. Every job gets one: BullMQ runs jobs without a priority
// before all prioritized ones, which would put them ahead of urgent work.
const BULLMQ_PRIORITY: Record<TaskPriority, number> = { urgent: 1, high: 2, normal: 3, low: 4 };

export type JobTask = Pick<
  Task,
  'id' | 'jobId' | 'type' | 'queue' | 'priority' | 'status' | 'runAt' | 'retryAt'
>;

/** When the task's next attempt is due: a delayed task at run_at, a retrying one at retry_at. */
function dueAt(task: JobTask): Date | null {
  return task.status === 'retrying' ? task.retryAt : task.runAt;
}

/**
 * A queue first used while Redis is down waits for a connection that may never come; past this
 * the caller gives up (the add may still land later, which is harmless).
 */
const ADD_TIMEOUT_MS = 5_000;

interface JobToAdd {
  name: string;
  data: TaskJobData;
  opts: JobsOptions;
}

// One batcher per queue: jobs added at the same moment go to Redis in one addBulk (one round
// trip, one MULTI) instead of one add each.
const addBatchers = new Map<string, (job: JobToAdd) => Promise<void>>();

function addToQueue(queueName: string, job: JobToAdd): Promise<void> {
  let add = addBatchers.get(queueName);
  if (!add) {
    add = createGroupCommit<JobToAdd, void>({
      maxBatch: 200,
      maxInFlight: 1,
      write: async (jobs) => {
        await getQueue(queueName).addBulk(jobs);
        return jobs.map(() => undefined);
      },
    });
    addBatchers.set(queueName, add);
  }
  return add(job);
}

/**
 * Adds the job of the task's next attempt (its id is task.jobId). Adding a job id that exists
 * changes nothing, so the request path, the outbox relay and the reconciler may all try.
 */
export async function enqueueTaskJob(task: JobTask, timeoutMs = ADD_TIMEOUT_MS): Promise<void> {
  if (!task.jobId) throw new Error(`Task ${task.id} has no job id`);
  const due = dueAt(task);
  const delay = due ? Math.max(0, due.getTime() - Date.now()) : 0;
  const add = addToQueue(task.queue, {
    name: task.type,
    data: { taskId: task.id },
    opts: {
      jobId: task.jobId,
      priority: BULLMQ_PRIORITY[task.priority],
      ...(delay > 0 ? { delay } : {}),
      // Retries are the runner's (task-runner.ts), so the countdown shown is the real one.
      attempts: 1,
      // Postgres keeps the history; Redis keeps only what BullMQ needs.
      removeOnComplete: { age: 3_600, count: 1_000 },
      removeOnFail: { age: 7 * 86_400, count: 10_000 },
    },
  });
  await rejectAfter(add, timeoutMs, `adding job ${task.jobId} timed out after ${timeoutMs} ms`);
}

/** Removes a job that has not started. False when a worker holds it (it will see the status). */
export async function removeTaskJob(task: Pick<Task, 'queue' | 'jobId'>): Promise<boolean> {
  if (!task.jobId) return true;
  return (await getQueue(task.queue).remove(task.jobId)) === 1;
}

/** A new job id for a retry by hand: `<task id>-r<n>` (BullMQ ids may not contain ':'). */
export function nextJobId(task: Pick<Task, 'id' | 'jobId'>): string {
  const match = task.jobId?.match(/-r(\d+)$/);
  return `${task.id}-r${match ? Number(match[1]) + 1 : 1}`;
}
