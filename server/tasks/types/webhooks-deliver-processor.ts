import { attemptWebhookDelivery } from '@/server/webhooks/webhook-attempt';
import type { TaskContext, TaskOutput } from '../task-type';
import type { WebhookDeliverPayload } from './webhooks-deliver';

export async function processTask(
  context: TaskContext<WebhookDeliverPayload>,
): Promise<TaskOutput> {
  context.log(`Delivering ${context.payload.eventType} (attempt ${context.attempt})`);
  const outcome = await attemptWebhookDelivery(context.payload.deliveryId, context.signal);
  context.log(`Delivered: ${outcome.statusCode} in ${outcome.durationMs} ms`);
  return { result: { ...outcome } };
}
