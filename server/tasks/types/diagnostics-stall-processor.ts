import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskContext, TaskOutput } from '../task-type';
import type { StallPayload } from './diagnostics-stall';

export async function processTask({
  payload,
  softLimit,
  reportProgress,
}: TaskContext<StallPayload>): Promise<TaskOutput> {
  const started = Date.now();
  while (Date.now() - started < payload.durationMs) {
    if (payload.honourSoftLimit && softLimit.aborted) {
      return { result: { wrappedUp: true, elapsedMs: Date.now() - started } };
    }
    // Deliberately without the signal: this processor does not listen.
    await sleep(50);
    reportProgress(((Date.now() - started) / payload.durationMs) * 100);
  }
  return { result: { wrappedUp: false, elapsedMs: Date.now() - started } };
}
