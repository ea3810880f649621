import { z } from 'zod';
import { NotFoundError } from '@/lib/errors';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { getQueue } from '@/server/queues/queue-clients';
import { findQueueConfig, listQueueConfigs, type QueueConfig } from '@/server/queues/queue-config';

export const queueViewSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    paused: z.boolean(),
    concurrency: z.number().int().meta({ description: 'Jobs one worker process runs at once.' }),
    globalConcurrency: z.number().int().nullable().meta({
      description:
        'Jobs running at once across every worker (BullMQ global concurrency, as in force in Redis); null: no cluster-wide limit.',
    }),
    rateLimit: z
      .object({ max: z.number().int(), durationMs: z.number().int() })
      .nullable()
      .meta({ description: 'At most `max` jobs started per `durationMs`, across all workers.' }),
    counts: z.object({
      waiting: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
      completed: z.number().int(),
    }),
  })
  .meta({ id: 'Queue' });
export type QueueView = z.infer<typeof queueViewSchema>;

async function describeQueue(config: QueueConfig): Promise<QueueView> {
  const queue = getQueue(config.name);
  const [counts, paused, globalConcurrency] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
    queue.isPaused(),
    queue.getGlobalConcurrency(),
  ]);
  return {
    name: config.name,
    description: config.description,
    paused,
    concurrency: config.concurrency,
    globalConcurrency,
    rateLimit: config.rateLimit ?? null,
    counts: {
      // Every job of ours has a priority, so BullMQ keeps waiting ones as "prioritized".
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
  };
}

export async function listQueues(principal: Principal): Promise<QueueView[]> {
  requireAdmin(principal);
  return Promise.all(listQueueConfigs().map(describeQueue));
}

/** Pauses or resumes a queue for every worker: running jobs finish, no new ones start. */
export async function setQueuePaused(
  principal: Principal,
  name: string,
  paused: boolean,
  context: AuditContext,
): Promise<QueueView> {
  const admin = requireAdmin(principal);
  const config = findQueueConfig(name);
  if (!config) throw new NotFoundError(`No queue named "${name}".`);
  const queue = getQueue(config.name);
  if (paused) await queue.pause();
  else await queue.resume();
  await recordAudit(
    admin,
    paused ? 'queue.pause' : 'queue.resume',
    { type: 'queue', id: name },
    context,
  );
  return describeQueue(config);
}
