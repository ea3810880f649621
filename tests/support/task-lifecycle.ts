import { setTimeout as sleep } from 'node:timers/promises';
import type { JobState } from 'bullmq';
import { mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import type { TaskStatus, TaskTransitionView, TaskView } from '@/lib/tasks/task-view';
import type { Principal } from '@/server/auth/principal';
import { getQueue } from '@/server/queues/queue-clients';
import { listTaskTransitions } from '@/server/tasks/task-service';
import type { BusRecorder } from './bus-recorder';

// Shared by the task-lifecycle integration tests: what a client would show, where the BullMQ job
// stands, and the recorded timeline.

type BullState = JobState | 'unknown';

/**
 * Polls until the BullMQ job is in one of these states (`unknown`: removed). Polling, not an
 * event: BullMQ moves the job after the task's status changed, and the test must not sleep.
 */
export async function waitForJobState(
  queue: string,
  jobId: string,
  states: readonly BullState[],
  timeoutMs = 15_000,
): Promise<BullState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await getQueue(queue).getJobState(jobId)) as BullState;
    if (states.includes(state)) return state;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} stayed ${state}, expected ${states.join(' or ')}`);
    }
    await sleep(20);
  }
}

/**
 * The statuses a client folding every recorded event into the task (as the dashboard does, by
 * revision and seq) shows one after the other: stale events from other processes are dropped.
 */
export function visibleStatuses(bus: BusRecorder, task: TaskView): TaskStatus[] {
  let shown = task;
  const statuses: TaskStatus[] = [task.status];
  for (const update of bus.updatesOf(task.id)) {
    shown = mergeTaskUpdate(shown, update);
    if (shown.status !== statuses.at(-1)) statuses.push(shown.status);
  }
  return statuses;
}

/** The timeline, checked to be gapless: revisions 1..n, each move starting where the last ended. */
export async function readTimeline(
  principal: Principal,
  taskId: string,
): Promise<TaskTransitionView[]> {
  const timeline = await listTaskTransitions(principal, taskId);
  timeline.forEach((transition, index) => {
    if (transition.revision !== index + 1) {
      throw new Error(`revision ${transition.revision} at position ${index + 1}`);
    }
    const previous = timeline[index - 1];
    if ((previous?.to ?? null) !== transition.from) {
      throw new Error(`revision ${transition.revision} starts from ${transition.from}`);
    }
  });
  return timeline;
}

/** `from→to` per transition, the shape the lifecycle table is written in. */
export function movesOf(timeline: readonly TaskTransitionView[]): string[] {
  return timeline.map((t) => `${t.from ?? '∅'}→${t.to}`);
}

export const TERMINAL: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];
