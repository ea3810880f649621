import { getLogger } from '@/lib/logger';
import { ADMIN_ONLY_EVENT_TYPES, type WebhookEventType } from '@/lib/webhooks/webhook-events';
import { getPrisma } from '@/server/infra/clients';
import { uuid7 } from '@/lib/uuid7';
import { isUniqueViolation, toTaskModel } from '@/server/tasks/task-insert';
import { toTaskView } from '@/server/tasks/task-mapper';
import { createInternalTask } from '@/server/tasks/task-submission';
import { webhooksDeliver } from '@/server/tasks/types/webhooks-deliver';

// Fans recorded webhook events out into deliveries, in every process, like the task outbox
// relay: a batch is claimed with SKIP LOCKED and a lease, so one relay at a time works on an
// event and one whose relay died is taken again when the lease ends. Every step is idempotent,
// so a relay killed anywhere is simply redone: a delivery is unique per (endpoint, message id),
// its first task has the delivery's own id (a second insert collides on the primary key), and
// the event is deleted only after all of them exist.

const BATCH_SIZE = 100;
const LEASE_SECONDS = 30;
const RETRY_SECONDS = 5;
const MAX_BATCHES = 10;

interface ClaimedEvent {
  id: string;
  event_type: string;
  owner_id: string | null;
  task_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
}

export function messageIdOf(eventId: string): string {
  return `msg_${eventId}`;
}

/** The body every attempt sends, byte for byte: Standard Webhooks' recommended shape. */
function bodyOf(event: ClaimedEvent): string {
  // A task event carries the task's row as the change left it: sent as REST shows a task.
  const data = parentOf(event) ? toTaskView(toTaskModel(event.data)) : event.data;
  return JSON.stringify({
    type: event.event_type,
    timestamp: new Date(event.occurred_at).toISOString(),
    data,
  });
}

/** The task a delivery of the event reports on: a task event's own task, else none. */
export function parentOf(event: { event_type: string; task_id: string | null }): string | null {
  return event.task_id && event.event_type.startsWith('task.') ? event.task_id : null;
}

/** Enabled endpoints that want it: the owner's own, and admins' for everything. */
async function findSubscribers(event: ClaimedEvent) {
  const adminOnly = ADMIN_ONLY_EVENT_TYPES.has(event.event_type as WebhookEventType);
  return getPrisma().webhookEndpoint.findMany({
    where: {
      enabled: true,
      events: { has: event.event_type },
      owner: { OR: [{ banned: false }, { banned: null }] },
      OR: [
        { scope: 'all', owner: { role: 'admin' } },
        ...(!adminOnly && event.owner_id ? [{ scope: 'own', ownerId: event.owner_id }] : []),
      ],
    },
    select: { id: true, ownerId: true },
  });
}

async function fanOut(event: ClaimedEvent): Promise<number> {
  const prisma = getPrisma();
  const endpoints = await findSubscribers(event);
  const messageId = messageIdOf(event.id);
  if (endpoints.length > 0) {
    const body = bodyOf(event);
    await prisma.webhookDelivery.createMany({
      data: endpoints.map((endpoint) => ({
        id: uuid7(),
        endpointId: endpoint.id,
        messageId,
        eventType: event.event_type,
        aboutTaskId: event.task_id,
        body,
      })),
      skipDuplicates: true,
    });
  }
  // Also those a relay before this one made and died before giving them a task.
  const waiting = await prisma.webhookDelivery.findMany({
    where: { messageId, taskId: null },
    select: { id: true, endpointId: true, endpoint: { select: { ownerId: true } } },
  });
  for (const delivery of waiting) {
    try {
      await createInternalTask(
        webhooksDeliver.name,
        delivery.endpoint.ownerId,
        { deliveryId: delivery.id, endpointId: delivery.endpointId, eventType: event.event_type },
        // A task event's delivery is the child of the task whose change it announces.
        { id: delivery.id, parentTaskId: parentOf(event) },
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    await prisma.webhookDelivery.updateMany({
      where: { id: delivery.id, taskId: null },
      data: { taskId: delivery.id },
    });
  }
  return waiting.length;
}

export interface WebhookRelayReport {
  events: number;
  deliveries: number;
  failed: number;
}

async function relayBatch(report: WebhookRelayReport): Promise<number> {
  const prisma = getPrisma();
  const claimed = await prisma.$queryRaw<ClaimedEvent[]>`
    UPDATE webhook_events e
    SET due_at = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = e.attempts + 1
    WHERE e.id IN (
      SELECT id FROM webhook_events WHERE due_at <= now()
      ORDER BY due_at LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED)
    RETURNING e.id::text AS id, e.event_type, e.owner_id, e.task_id::text AS task_id, e.data,
      e.occurred_at`;
  const done: string[] = [];
  for (const event of claimed) {
    try {
      report.deliveries += await fanOut(event);
      report.events += 1;
      done.push(event.id);
    } catch (error) {
      report.failed += 1;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      await prisma.$executeRaw`UPDATE webhook_events
        SET last_error = ${message}, due_at = now() + make_interval(secs => ${RETRY_SECONDS})
        WHERE id = ${event.id}::uuid`.catch(() => undefined);
    }
  }
  if (done.length > 0) {
    await prisma.$executeRaw`DELETE FROM webhook_events WHERE id = ANY(${done}::uuid[])`;
  }
  return claimed.length;
}

/** Fans out due webhook events into deliveries and their tasks. */
export async function relayWebhookEvents(): Promise<WebhookRelayReport> {
  const report: WebhookRelayReport = { events: 0, deliveries: 0, failed: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const claimed = await relayBatch(report);
    if (claimed < BATCH_SIZE || report.failed > 0) break;
  }
  if (report.deliveries > 0 || report.failed > 0) {
    getLogger().info({ ...report }, 'webhook relay fanned out events');
  }
  return report;
}
