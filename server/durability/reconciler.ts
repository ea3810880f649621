import { hostname } from 'node:os';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import type { Task } from '@/lib/generated/prisma/client';
import { getPrisma, getRedis } from '@/server/infra/clients';
import { getQueue, redisKey } from '@/server/queues/queue-clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { recoverLostJob, requeueWaitingTask } from '@/server/tasks/lost-attempts';
import { sweepAbandonedCancels } from '@/server/tasks/abandoned-cancels';
import { listLiveWorkers } from '@/server/workers/worker-presence';
import { recordReconcilerRun, type ReconcilerRun } from './durability-status';

// Postgres is the record of what was accepted; BullMQ is how it gets run. The reconciler
// compares the two and repairs what lies between them: a waiting task with no job gets it
// again (same id, same delay); a running task whose job failed or vanished, and whose worker
// is not alive, starts its next attempt or fails as worker_lost; a cancelling one ends
// cancelled. One process at a time (a Postgres advisory lock); cheap when all is well: it
// looks at tasks that should have moved by now, and at every task only after Redis lost
// its data (a sentinel key that Redis would lose with the rest).

const LOCK_KEY = 0x7461736b_72656373n & 0x7fffffffffffffffn; // "taskrecs"
/** Younger changes may still be on their way (a job being added, a worker starting). */
const SETTLE_MS = 10_000;
/** Delayed and retrying tasks this late (their job should have started) are checked. */
const OVERDUE_MS = 30_000;
/** After Redis came back empty, every pass compares every task for this long. */
const FULL_WINDOW_MS = 3 * 60_000;
const BATCH_SIZE = 1_000;
/** Queued tasks checked per pass when all is well, round robin through them. */
const QUEUED_SLICE = 500;

export type ReconcileRepairs = Record<
  'restarted' | 'failed' | 'cancelled' | 'requeued' | 'checked',
  number
>;

let queuedCursor: string | null = null;

export function sentinelKey(): string {
  return redisKey('reconciler', 'sentinel');
}

interface PassScope {
  /** Compare every unfinished task: Redis lost its data (and with it the sentinel) not long ago. */
  full: boolean;
  /**
   * Whether heartbeats can be trusted: right after Redis lost its data no worker is announced
   * yet, and a running task would look abandoned while its worker is still at it.
   */
  presenceKnown: boolean;
}

/** The sentinel holds when it was set; Redis losing its data loses it too. */
async function scopeOfPass(now: number): Promise<PassScope> {
  const redis = getRedis();
  const raw = await redis.get(sentinelKey());
  const since = raw === null ? now : Number(raw);
  if (raw === null) {
    await redis.set(sentinelKey(), String(now));
    getLogger().warn('reconciler: Redis has no sentinel (new or emptied); comparing every task');
  }
  const presenceMs = getEnv().WORKER_HEARTBEAT_MS * 3 + 2_000;
  return { full: now - since < FULL_WINDOW_MS, presenceKnown: now - since >= presenceMs };
}

async function heldByLiveWorkers(): Promise<Set<string>> {
  const workers = await listLiveWorkers(getEnv().WORKER_HEARTBEAT_MS);
  return new Set(workers.flatMap((worker) => worker.currentJobs.map((job) => job.taskId)));
}

/** Running and cancelling tasks no live worker holds, whose job is finished or gone. */
async function reconcileRunning(repairs: ReconcileRepairs): Promise<void> {
  const settled = new Date(Date.now() - SETTLE_MS);
  const tasks = await getPrisma().task.findMany({
    where: { status: { in: ['running', 'cancelling'] }, updatedAt: { lt: settled } },
    take: 5_000,
  });
  if (tasks.length === 0) return;
  const held = await heldByLiveWorkers();
  for (const task of tasks) {
    if (held.has(task.id) || !task.jobId) continue;
    repairs.checked += 1;
    // waiting, delayed, active (a worker took it, or BullMQ will find it stalled): in hand.
    const state = await getQueue(task.queue).getJobState(task.jobId);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
    const repair = await recoverLostJob(task.id, task.jobId, `its job is ${state}`);
    if (repair) repairs[repair] += 1;
  }
}

/** Of these waiting tasks, requeues those whose job is missing or already finished. */
async function requeueMissing(tasks: Task[], repairs: ReconcileRepairs): Promise<void> {
  if (tasks.length === 0) return;
  const inHand = await jobsInHand(tasks);
  repairs.checked += tasks.length;
  for (const task of tasks) {
    if (inHand.has(task.id)) continue;
    if (await requeueWaitingTask(task)) repairs.requeued += 1;
  }
}

/**
 * The tasks whose job exists and has not finished: one pipeline per queue, side by side (a
 * pipeline on a Redis Cluster may touch one slot only, and each queue has its own).
 */
async function jobsInHand(tasks: Task[]): Promise<Set<string>> {
  const byQueue = new Map<string, Task[]>();
  for (const task of tasks) byQueue.set(task.queue, [...(byQueue.get(task.queue) ?? []), task]);
  const inHand = new Set<string>();
  await Promise.all(
    [...byQueue].map(async ([queueName, ofQueue]) => {
      const queue = getQueue(queueName);
      const pipeline = getRedis().pipeline();
      for (const task of ofQueue) {
        const key = queue.toKey(task.jobId ?? '');
        pipeline.exists(key).hexists(key, 'finishedOn');
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [index, task] of ofQueue.entries()) {
        const exists = Number(results[index * 2]?.[1] ?? 0) === 1;
        const finished = Number(results[index * 2 + 1]?.[1] ?? 0) === 1;
        if (exists && !finished) inHand.add(task.id);
      }
    }),
  );
  return inHand;
}

/** Waiting tasks without an outbox entry (the relay has those), in id order after a cursor. */
function findWaiting(where: object, after: string | null, take: number) {
  return getPrisma().task.findMany({
    where: {
      updatedAt: { lt: new Date(Date.now() - SETTLE_MS) },
      jobId: { not: null },
      outbox: { none: {} },
      ...(after ? { id: { gt: after } } : {}),
      ...where,
    },
    orderBy: { id: 'asc' },
    take,
  });
}

async function reconcileWaiting(full: boolean, repairs: ReconcileRepairs): Promise<void> {
  if (full) {
    let after: string | null = null;
    for (;;) {
      const batch = await findWaiting(
        { status: { in: ['queued', 'delayed', 'retrying'] } },
        after,
        BATCH_SIZE,
      );
      await requeueMissing(batch, repairs);
      if (batch.length < BATCH_SIZE) break;
      after = batch.at(-1)?.id ?? null;
    }
    return;
  }
  const overdue = new Date(Date.now() - OVERDUE_MS);
  await requeueMissing(
    await findWaiting(
      {
        OR: [
          { status: 'delayed', runAt: { lt: overdue } },
          { status: 'retrying', retryAt: { lt: overdue } },
        ],
      },
      null,
      BATCH_SIZE,
    ),
    repairs,
  );
  const slice = await findWaiting({ status: 'queued' }, queuedCursor, QUEUED_SLICE);
  queuedCursor = slice.length < QUEUED_SLICE ? null : (slice.at(-1)?.id ?? null);
  await requeueMissing(slice, repairs);
}

/**
 * One pass, unless another process is running one (then null). Skipped while Redis is down:
 * there is nothing to compare with, and nothing could be repaired.
 */
export async function reconcileTasks(): Promise<ReconcilerRun | null> {
  if (isRedisDown()) return null;
  return getPrisma().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ locked: boolean }>>`
        SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`;
      if (!rows[0]?.locked) return null;
      const started = Date.now();
      const repairs: ReconcileRepairs = {
        restarted: 0,
        failed: 0,
        cancelled: 0,
        requeued: 0,
        checked: 0,
      };
      const { full, presenceKnown } = await scopeOfPass(started);
      if (presenceKnown) await reconcileRunning(repairs);
      // Cancels whose stop nobody confirmed by the deadline (the request may never have
      // reached the holder): ended as the holder itself would at its deadline.
      repairs.cancelled += await sweepAbandonedCancels();
      await reconcileWaiting(full, repairs);
      const run: ReconcilerRun = {
        at: new Date().toISOString(),
        durationMs: Date.now() - started,
        full,
        repaired: repairs,
        holder: `${hostname()}:${process.pid}`,
      };
      await recordReconcilerRun(run);
      const { checked, ...repaired } = repairs;
      if (Object.values(repaired).some((count) => count > 0)) {
        getLogger().warn({ full, checked, ...repaired }, 'reconciler repaired tasks');
      }
      return run;
    },
    { maxWait: 10_000, timeout: 5 * 60_000 },
  );
}
