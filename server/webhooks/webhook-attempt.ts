import { PermanentTaskError } from '@/lib/errors';
import { getEnv } from '@/lib/env';
import { getPrisma } from '@/server/infra/clients';
import { openSecret } from './webhook-secret-box';
import { sendWebhookRequest, type WebhookResponse } from './webhook-sender';
import { webhookHeaders } from './webhook-signing';
import { WebhookTargetError } from './webhook-target';

// One attempt of one delivery, run by the webhooks.deliver processor: signs the stored body
// again with a fresh timestamp (same webhook-id), sends it, and records what came back on the
// delivery row. A non-2xx answer or a network error throws, so the task retries with the
// type's backoff; a refused target, a missing endpoint or a 410 Gone fail without retry.

export interface WebhookAttemptResult {
  statusCode: number;
  durationMs: number;
}

/** Text Postgres will store: no NUL, and within the column. */
function storable(text: string, max: number): string {
  return text.replaceAll('\u0000', '').slice(0, max);
}

async function recordAttempt(
  deliveryId: string,
  outcome: { response?: WebhookResponse; durationMs: number; error?: string },
): Promise<void> {
  const delivered =
    outcome.response && outcome.response.statusCode >= 200 && outcome.response.statusCode < 300;
  const now = new Date();
  await getPrisma().webhookDelivery.updateMany({
    where: { id: deliveryId },
    data: {
      attempts: { increment: 1 },
      lastStatusCode: outcome.response?.statusCode ?? null,
      lastDurationMs: outcome.durationMs,
      lastResponse: outcome.response ? storable(outcome.response.snippet, 4096) : null,
      lastError: outcome.error ? storable(outcome.error, 500) : null,
      lastAttemptAt: now,
      ...(delivered ? { deliveredAt: now } : {}),
    },
  });
}

export async function attemptWebhookDelivery(
  deliveryId: string,
  signal: AbortSignal,
): Promise<WebhookAttemptResult> {
  const prisma = getPrisma();
  const delivery = await prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: true },
  });
  if (!delivery) {
    throw new PermanentTaskError('webhook_gone', 'The delivery is gone: its endpoint was deleted.');
  }
  const { endpoint } = delivery;
  if (!endpoint.enabled) {
    throw new PermanentTaskError('webhook_disabled', 'The endpoint is disabled.');
  }
  let secret: string;
  try {
    secret = openSecret(endpoint.secretSealed);
  } catch {
    throw new PermanentTaskError(
      'webhook_secret_unreadable',
      "The endpoint's secret cannot be opened (was AUTH_SECRET changed?): rotate the secret.",
    );
  }
  const started = performance.now();
  let response: WebhookResponse;
  try {
    response = await sendWebhookRequest({
      url: endpoint.url,
      headers: webhookHeaders(secret, delivery.messageId, delivery.body),
      body: delivery.body,
      timeoutMs: getEnv().WEBHOOK_TIMEOUT_MS,
      signal,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const durationMs = Math.round(performance.now() - started);
    await recordAttempt(deliveryId, { durationMs, error: message });
    if (error instanceof WebhookTargetError) {
      throw new PermanentTaskError('webhook_target_refused', message);
    }
    throw new Error(`The webhook request failed: ${message}`, { cause: error });
  }
  await recordAttempt(deliveryId, { response, durationMs: response.durationMs });
  const { statusCode, durationMs } = response;
  if (statusCode >= 200 && statusCode < 300) return { statusCode, durationMs };
  if (statusCode === 410) {
    // The receiver says the endpoint is gone for good (Standard Webhooks): stop sending to it.
    await prisma.webhookEndpoint.updateMany({
      where: { id: endpoint.id },
      data: { enabled: false, disabledReason: 'The receiver answered 410 Gone.' },
    });
    throw new PermanentTaskError('webhook_gone', 'The endpoint answered 410 Gone: disabled.');
  }
  throw new Error(`The endpoint answered ${statusCode}.`);
}
