import { getPrisma, getRedis } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';

// What /api/health tells about durability: jobs still owed to Redis (the outbox) and the
// reconciler's last pass. Written by the reconciler, read by any web node.

export interface ReconcilerRun {
  /** ISO time the pass ended. */
  at: string;
  durationMs: number;
  /** Whether this pass compared every non-terminal task (after Redis lost its data). */
  full: boolean;
  /** What it repaired, by kind (jobs re-added, attempts restarted, ...), and tasks checked. */
  repaired: Record<string, number>;
  /** The process that ran it. */
  holder: string;
}

export interface DurabilityStatus {
  outbox: { backlog: number; oldestAgeMs: number | null };
  reconciler: { lastRun: ReconcilerRun | null; lastRepairAt: string | null };
}

export function reconcilerStatusKey(): string {
  return redisKey('reconciler', 'status');
}

export async function readOutboxBacklog(): Promise<DurabilityStatus['outbox']> {
  const rows = await getPrisma().$queryRaw<Array<{ backlog: bigint; oldest: Date | null }>>`
    SELECT count(*) AS backlog, min(created_at) AS oldest FROM task_outbox`;
  const row = rows[0];
  return {
    backlog: Number(row?.backlog ?? 0),
    oldestAgeMs: row?.oldest ? Math.max(0, Date.now() - row.oldest.getTime()) : null,
  };
}

export async function readReconcilerStatus(): Promise<DurabilityStatus['reconciler']> {
  const raw = await getRedis().hmget(reconcilerStatusKey(), 'lastRun', 'lastRepairAt');
  return {
    lastRun: raw[0] ? (JSON.parse(raw[0]) as ReconcilerRun) : null,
    lastRepairAt: raw[1] ?? null,
  };
}

export async function recordReconcilerRun(run: ReconcilerRun): Promise<void> {
  const repairedAny = Object.entries(run.repaired).some(
    ([kind, count]) => kind !== 'checked' && count > 0,
  );
  await getRedis().hset(reconcilerStatusKey(), {
    lastRun: JSON.stringify(run),
    ...(repairedAny ? { lastRepairAt: run.at } : {}),
  });
}
