import { uuid7 } from '@/lib/uuid7';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { WebhookEventType } from '@/lib/webhooks/webhook-events';
import { getPrisma } from '@/server/infra/clients';
import { noteWebhookEventRecorded } from './webhook-nudge';

// How any server code sends a webhook event: it records the event (in the caller's transaction
// when given one, so the event commits with the change it tells of, or not at all), and the
// relay (webhook-relay.ts) fans it out into one delivery per subscribed endpoint. Task ends
// need no call: the status change's own statement records theirs (transition-batch.ts).

export interface WebhookEventInput {
  type: WebhookEventType;
  /** The event's `data` object, sent as it is. Must be JSON. */
  data: Record<string, unknown>;
  /**
   * The user whose own endpoints (scope 'own') get it, besides admins' scope-'all' endpoints.
   * Null or left out: only scope 'all'. Admin-only events (alert.*) ignore it.
   */
  ownerId?: string | null;
  /** The task it is about, if any; shown with its deliveries. */
  taskId?: string | null;
  /** When it happened: the body's `timestamp`. Now when left out. */
  occurredAt?: Date;
  /**
   * A UUID the caller derives from what happened (e.g. the alert's id and firing time), so
   * publishing the same fact twice records one event; a fresh UUIDv7 when left out.
   */
  id?: string;
}

/** Returns the event's id (also the base of its webhook-id, `msg_<id>`) and whether it is new. */
export async function publishWebhookEvent(
  event: WebhookEventInput,
  tx?: Prisma.TransactionClient,
): Promise<{ id: string; recorded: boolean }> {
  const id = event.id ?? uuid7();
  const db = tx ?? getPrisma();
  const inserted = await db.$executeRaw`
    INSERT INTO webhook_events (id, event_type, owner_id, task_id, data, occurred_at)
    VALUES (${id}::uuid, ${event.type}, ${event.ownerId ?? null}, ${event.taskId ?? null}::uuid,
      ${JSON.stringify(event.data)}::jsonb, ${event.occurredAt ?? new Date()})
    ON CONFLICT (id) DO NOTHING`;
  // Inside the caller's transaction it is not committed yet: the relay's next turn takes it.
  if (!tx && inserted > 0) noteWebhookEventRecorded();
  return { id, recorded: inserted > 0 };
}
