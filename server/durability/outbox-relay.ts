import { getLogger } from '@/lib/logger';
import { getPrisma } from '@/server/infra/clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { enqueueTaskJob } from '@/server/tasks/task-jobs';

// The backstop of the transactional enqueue: entries whose job the request path did not add
// (Redis down, the process killed between the commit and the add) get it here. Any number of
// processes may relay at once: each claims a batch with SKIP LOCKED and a lease, so an entry
// is worked on by one at a time, and one whose relay died is taken again when the lease ends.

const BATCH_SIZE = 200;
/** How long a claimed entry is left to its relay before another may take it. */
const LEASE_SECONDS = 30;
/** When an add failed, the next try. */
const RETRY_SECONDS = 5;
/** Batches per pass, so one pass never runs unbounded. */
const MAX_BATCHES = 25;

const WAITING = new Set(['queued', 'delayed', 'retrying']);

export interface RelayReport {
  added: number;
  /** Entries whose task no longer needs that job (started, finished, or a newer job). */
  obsolete: number;
  failed: number;
}

async function relayBatch(report: RelayReport): Promise<number> {
  const prisma = getPrisma();
  const claimed = await prisma.$queryRaw<Array<{ job_id: string; task_id: string }>>`
    UPDATE task_outbox o
    SET due_at = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = o.attempts + 1
    WHERE o.job_id IN (
      SELECT job_id FROM task_outbox WHERE due_at <= now()
      ORDER BY due_at LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED)
    RETURNING o.job_id, o.task_id`;
  if (claimed.length === 0) return 0;
  const tasks = await prisma.task.findMany({
    where: { id: { in: [...new Set(claimed.map((entry) => entry.task_id))] } },
  });
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const done: string[] = [];
  await Promise.all(
    claimed.map(async (entry) => {
      const task = byId.get(entry.task_id);
      if (!task || task.jobId !== entry.job_id || !WAITING.has(task.status)) {
        report.obsolete += 1;
        done.push(entry.job_id);
        return;
      }
      try {
        await enqueueTaskJob(task);
        report.added += 1;
        done.push(entry.job_id);
      } catch (error) {
        report.failed += 1;
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await prisma.$executeRaw`UPDATE task_outbox
          SET last_error = ${message}, due_at = now() + make_interval(secs => ${RETRY_SECONDS})
          WHERE job_id = ${entry.job_id}`.catch(() => undefined);
      }
    }),
  );
  if (done.length > 0) {
    await prisma.$executeRaw`DELETE FROM task_outbox WHERE job_id = ANY(${done}::varchar[])`;
  }
  return claimed.length;
}

/** Adds the jobs of due outbox entries. Does nothing while Redis is down. */
export async function relayOutbox(): Promise<RelayReport> {
  const report: RelayReport = { added: 0, obsolete: 0, failed: 0 };
  if (isRedisDown()) return report;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const claimed = await relayBatch(report);
    if (claimed < BATCH_SIZE || report.failed > 0) break;
  }
  if (report.added > 0 || report.failed > 0) {
    getLogger().info({ ...report }, 'outbox relay added jobs');
  }
  return report;
}
