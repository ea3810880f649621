import { getPrisma } from '@/server/infra/clients';

// Deliveries are kept as long as tasks are (RETENTION_DAYS): maintenance.cleanup removes those
// made before its cutoff, in batches, except one whose latest task is still sending.

const BATCH_SIZE = 5_000;
/** Batches per run, so one run never holds the table for long. */
const MAX_BATCHES = 200;

export async function purgeExpiredWebhookDeliveries(
  olderThan: Date,
  signal?: AbortSignal,
): Promise<number> {
  const prisma = getPrisma();
  let removed = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    signal?.throwIfAborted();
    const count = await prisma.$executeRaw`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT d.id FROM webhook_deliveries d
        WHERE d.created_at < ${olderThan}
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = d.task_id
            AND t.status NOT IN ('succeeded', 'failed', 'cancelled'))
        LIMIT ${BATCH_SIZE})`;
    removed += count;
    if (count < BATCH_SIZE) break;
  }
  return removed;
}
