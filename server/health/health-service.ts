import { getEnv } from '@/lib/env';
import { rejectAfter } from '@/lib/time-limit';
import {
  readOutboxBacklog,
  readReconcilerStatus,
  type DurabilityStatus,
} from '@/server/durability/durability-status';
import { getPrisma, getRedis } from '@/server/infra/clients';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { durabilityWarnings } from './durability-warnings';
import {
  persistenceWarnings,
  readRedisPersistence,
  type RedisPersistence,
} from './redis-persistence';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  postgres: DependencyCheck;
  redis: DependencyCheck & { persistence: RedisPersistence | null };
  workers: { count: number; queues: string[] };
  /** Jobs recorded in Postgres but not yet added to Redis; null while Postgres is down. */
  outbox: DurabilityStatus['outbox'] | null;
  /** The reconciler's last pass; null while Redis is down. */
  reconciler: DurabilityStatus['reconciler'] | null;
  /** What an operator should look at. Warnings never make a healthy status 'down'. */
  warnings: string[];
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(read: () => Promise<T>): Promise<T> {
  return rejectAfter(read(), CHECK_TIMEOUT_MS, 'timed out');
}

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await withTimeout(check);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : 'failed',
    };
  }
}

/** A read that only matters when its dependency answers: null instead of an error. */
function optional<T>(enabled: boolean, read: () => Promise<T>): Promise<T | null> {
  return enabled ? withTimeout(read).catch(() => null) : Promise.resolve(null);
}

/**
 * Postgres and Redis are required ('down' without them); no live worker is 'degraded'.
 * Durability facts (outbox, reconciler, Redis persistence) add warnings, not a status.
 */
export async function checkHealth(): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    timed(() => getPrisma().$queryRaw`SELECT 1`),
    timed(() => getRedis().ping()),
  ]);
  const [workers, outbox, reconciler, persistence] = await Promise.all([
    optional(redis.ok, () => listLiveWorkers(getEnv().WORKER_HEARTBEAT_MS)).then((w) => w ?? []),
    optional(postgres.ok, readOutboxBacklog),
    optional(redis.ok, readReconcilerStatus),
    optional(redis.ok, () => readRedisPersistence(getRedis())),
  ]);
  const status = !postgres.ok || !redis.ok ? 'down' : workers.length === 0 ? 'degraded' : 'ok';
  return {
    status,
    postgres,
    redis: { ...redis, persistence },
    workers: {
      count: workers.length,
      queues: [...new Set(workers.flatMap((worker) => worker.queues))].sort(),
    },
    outbox,
    reconciler,
    warnings: [
      ...(persistence ? persistenceWarnings(persistence) : []),
      ...durabilityWarnings(outbox, reconciler, workers.length),
    ],
  };
}
