import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskContext, TaskOutput } from '../task-type';
import type { SimulatePayload } from './diagnostics-simulate';

export function scratchKeyFor(taskId: string, attempt: number): string {
  return `scratch/${taskId}-${attempt}.txt`;
}

export async function processTask({
  taskId,
  payload,
  attempt,
  signal,
  reportProgress,
  storage,
  log,
}: TaskContext<SimulatePayload>): Promise<TaskOutput> {
  const failing = payload.failAttempts === undefined || attempt <= payload.failAttempts;
  const started = Date.now();
  // Two lines per attempt, not one per step: benchmarks run thousands of steps.
  log(`Attempt ${attempt}: simulating ${payload.steps} steps of ${payload.stepMs} ms`);
  const scratchKey = scratchKeyFor(taskId, attempt);
  if (payload.scratch) {
    await storage.write(
      scratchKey,
      (async function* () {
        yield `attempt ${attempt}\n`;
      })(),
    );
  }
  try {
    for (let step = 1; step <= payload.steps; step += 1) {
      signal.throwIfAborted();
      // Paced against the start time, not step by step, so timer slack does not add up and
      // stepMs: 2 really means 500 steps a second.
      const due = started + step * payload.stepMs - Date.now();
      if (due > 0) await sleep(due, undefined, { signal });
      if (failing && step === payload.failAtStep)
        throw new Error(`Simulated failure at step ${step}`);
      reportProgress((step / payload.steps) * 100, `Step ${step} of ${payload.steps}`);
    }
  } finally {
    if (payload.scratch) await storage.delete(scratchKey);
  }
  log(`Finished ${payload.steps} steps in ${Date.now() - started} ms`);
  return { result: { steps: payload.steps, elapsedMs: Date.now() - started } };
}
