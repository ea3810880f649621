// Everything a chaos run starts (a PostgreSQL cluster, a Redis, app processes) registers how to
// undo it here, so a failure, an exception or Ctrl-C tears all of it down, newest first.

type Undo = { label: string; run: () => Promise<void> };

const pending: Undo[] = [];

/** Registers an undo step; returns a function that runs it now (and only once). */
export function onTeardown(label: string, run: () => Promise<void>): () => Promise<void> {
  const step: Undo = { label, run };
  pending.push(step);
  return async () => {
    const index = pending.indexOf(step);
    if (index === -1) return;
    pending.splice(index, 1);
    await step.run();
  };
}

/**
 * Runs every pending undo step, newest first; one that fails does not stop the others.
 * Resolves true when every step succeeded.
 */
export async function tearDownAll(log: (line: string) => void = () => undefined): Promise<boolean> {
  let clean = true;
  while (pending.length > 0) {
    const step = pending.pop()!;
    try {
      await step.run();
    } catch (error) {
      clean = false;
      log(`teardown of ${step.label} failed: ${(error as Error).message}`);
    }
  }
  return clean;
}
