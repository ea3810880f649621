import { z } from 'zod';
import { getEnv } from '@/lib/env';
import { rejectAfter } from '@/lib/time-limit';
import { readOutboxBacklog, readReconcilerStatus } from '@/server/durability/durability-status';
import { getPrisma, getRedis } from '@/server/infra/clients';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { durabilityWarnings } from './durability-warnings';
import { persistenceWarnings, readRedisPersistence } from './redis-persistence';

const dependencyCheckSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  error: z.string().optional(),
});
export type DependencyCheck = z.infer<typeof dependencyCheckSchema>;

export const healthReportSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    postgres: dependencyCheckSchema,
    redis: dependencyCheckSchema.extend({
      persistence: z
        .object({
          aof: z.union([z.boolean(), z.literal('unknown')]),
          rdb: z.union([z.boolean(), z.literal('unknown')]),
          maxmemoryPolicy: z.string(),
          source: z.enum(['config', 'info', 'unknown']),
        })
        .nullable(),
    }),
    workers: z.object({ count: z.number().int(), queues: z.array(z.string()) }),
    outbox: z
      .object({ backlog: z.number().int(), oldestAgeMs: z.number().nullable() })
      .nullable()
      .meta({
        description:
          'Jobs recorded in Postgres but not yet added to Redis; null while Postgres is down.',
      }),
    reconciler: z
      .object({
        // The reconciler's own record of its pass (server/durability), shown as it wrote it.
        lastRun: z.unknown(),
        lastRepairAt: z.string().nullable(),
      })
      .nullable()
      .meta({ description: "The reconciler's last pass; null while Redis is down." }),
    warnings: z.array(z.string()).meta({
      description: "What an operator should look at. Warnings never make a healthy status 'down'.",
    }),
  })
  .meta({ id: 'Health' });
export type HealthReport = z.infer<typeof healthReportSchema>;

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
