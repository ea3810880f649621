import { getEnv } from '@/lib/env';
import { isInfrastructureError } from '@/server/infra/infra-errors';
import { getQueue } from '@/server/queues/queue-clients';
import { findQueueConfig, listQueueConfigs, type QueueConfig } from '@/server/queues/queue-config';

/** The cluster-wide limit a queue should have: the env's override, else its config; null: none. */
export function configuredGlobalConcurrency(config: QueueConfig): number | null {
  const override = getEnv().QUEUE_GLOBAL_CONCURRENCY?.[config.name];
  const limit = override ?? config.globalConcurrency ?? 0;
  return limit > 0 ? limit : null;
}

/**
 * Writes each queue's global concurrency to Redis (BullMQ keeps it in the queue's meta, read by
 * every worker as it takes a job), or removes it when none is configured. Idempotent: every web
 * and worker process runs it at start, so a changed config takes effect with the next deploy.
 */
export async function applyGlobalConcurrency(
  names: readonly string[] = listQueueConfigs().map((config) => config.name),
): Promise<Record<string, number | null>> {
  const overrides = Object.keys(getEnv().QUEUE_GLOBAL_CONCURRENCY ?? {});
  const unknown = overrides.filter((name) => !findQueueConfig(name));
  if (unknown.length > 0) {
    throw new Error(`QUEUE_GLOBAL_CONCURRENCY names unknown queues: ${unknown.join(', ')}`);
  }
  const applied: Record<string, number | null> = {};
  for (const name of names) {
    const config = findQueueConfig(name);
    if (!config) continue;
    const limit = configuredGlobalConcurrency(config);
    const queue = getQueue(name);
    if (limit === null) await queue.removeGlobalConcurrency();
    else await queue.setGlobalConcurrency(limit);
    applied[name] = limit;
  }
  return applied;
}

// BullMQ's queue waits for its connection without end while Redis is unreachable: a start
// waits this long for the limits, then goes on (the write still lands once Redis is back).
const START_WAIT_MS = 3_000;

/**
 * For process start: an outage of Redis must not stop a process from starting (it applies the
 * limits again next start, and every other process does too); a bad override must.
 */
export async function applyGlobalConcurrencyAtStart(
  names: readonly string[] | undefined,
  warn: (error: unknown) => void,
): Promise<void> {
  let settled = false;
  const applying = applyGlobalConcurrency(names)
    .catch((error: unknown) => {
      if (!isInfrastructureError(error)) throw error;
      warn(error);
    })
    .finally(() => (settled = true));
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (!settled) warn(new Error(`Redis did not answer within ${START_WAIT_MS} ms`));
      resolve();
    }, START_WAIT_MS);
    timer.unref();
  });
  // A bad override throws before any Redis command, so it still stops the start.
  await Promise.race([applying, waited]).finally(() => clearTimeout(timer));
}
