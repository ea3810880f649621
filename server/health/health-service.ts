import { getEnv } from '@/lib/env';
import { getPrisma, getRedis } from '@/server/infra/clients';
import { listLiveWorkers } from '@/server/workers/worker-presence';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  postgres: DependencyCheck;
  redis: DependencyCheck;
  workers: { count: number; queues: string[] };
}

const CHECK_TIMEOUT_MS = 2_000;

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : 'failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Postgres and Redis are required ('down' without them); no live worker is 'degraded'. */
export async function checkHealth(): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    timed(() => getPrisma().$queryRaw`SELECT 1`),
    timed(() => getRedis().ping()),
  ]);
  const workers = redis.ok
    ? await listLiveWorkers(getEnv().WORKER_HEARTBEAT_MS).catch(() => [])
    : [];
  const status = !postgres.ok || !redis.ok ? 'down' : workers.length === 0 ? 'degraded' : 'ok';
  return {
    status,
    postgres,
    redis,
    workers: {
      count: workers.length,
      queues: [...new Set(workers.flatMap((worker) => worker.queues))].sort(),
    },
  };
}
