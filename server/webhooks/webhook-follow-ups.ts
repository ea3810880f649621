import type { TaskView } from '@/lib/tasks/task-view';
import { getPrisma } from '@/server/infra/clients';
import { webhooksDeliver } from '@/server/tasks/types/webhooks-deliver';

/**
 * Where each webhook delivery among a task's follow-ups was sent (its endpoint's URL), by the
 * delivery task's id, for the parent's page. The children are the principal's already: their
 * endpoints are theirs. One query for all of them.
 */
export async function findDeliveryTargets(followUps: TaskView[]): Promise<Record<string, string>> {
  const byDelivery = new Map<string, string>();
  for (const child of followUps) {
    const parsed = webhooksDeliver.schema.safeParse(child.payload);
    if (child.type === webhooksDeliver.name && parsed.success) {
      byDelivery.set(parsed.data.deliveryId, child.id);
    }
  }
  if (byDelivery.size === 0) return {};
  const deliveries = await getPrisma().webhookDelivery.findMany({
    where: { id: { in: [...byDelivery.keys()] } },
    select: { id: true, endpoint: { select: { url: true } } },
  });
  const targets: Record<string, string> = {};
  for (const delivery of deliveries) {
    const taskId = byDelivery.get(delivery.id);
    if (taskId) targets[taskId] = delivery.endpoint.url;
  }
  return targets;
}
