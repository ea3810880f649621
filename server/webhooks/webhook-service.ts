import { z } from 'zod';
import { ForbiddenError, LimitExceededError, NotFoundError } from '@/lib/errors';
import { getEnv } from '@/lib/env';
import { uuid7 } from '@/lib/uuid7';
import { ADMIN_ONLY_EVENT_TYPES, type WebhookEventType } from '@/lib/webhooks/webhook-events';
import type { WebhookEndpointView, WebhookSecretView } from '@/lib/webhooks/webhook-view';
import type { WebhookEndpoint } from '@/lib/generated/prisma/client';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import type { UserPrincipal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { consumeRateLimit } from '@/server/security/rate-limit';
import type { CreateWebhookInput, UpdateWebhookInput } from './webhook-input';
import { toEndpointView } from './webhook-mapper';
import { sealSecret } from './webhook-secret-box';
import { generateWebhookSecret } from './webhook-signing';
import { checkWebhookTarget, WebhookTargetError } from './webhook-target';

// Webhook endpoints: each user manages their own (admins too: an admin's scope-'all' endpoint
// is theirs, not everyone's). Someone else's endpoint answers 404, as a task does. The secret is
// made here, sealed, and shown only in the answer to a create or a rotate.

export const isUuid = (value: string) => z.uuid().safeParse(value).success;

/** The caller's own endpoint, or 404. */
export async function findOwnEndpoint(user: UserPrincipal, id: string): Promise<WebhookEndpoint> {
  const endpoint = isUuid(id)
    ? await getPrisma().webhookEndpoint.findFirst({ where: { id, ownerId: user.userId } })
    : null;
  if (!endpoint) throw new NotFoundError('No such webhook endpoint.');
  return endpoint;
}

/** Each check resolves a name: bounded per user, so nobody maps a network through it. */
const TARGET_CHECKS = { max: 30, windowSeconds: 60 };

async function checkUrl(user: UserPrincipal, url: string): Promise<void> {
  await consumeRateLimit(`webhook-target:${user.userId}`, TARGET_CHECKS);
  try {
    await checkWebhookTarget(url);
  } catch (error) {
    if (!(error instanceof WebhookTargetError)) throw error;
    throw new LimitExceededError(`This webhook target is refused: ${error.message}`, [
      { path: 'url', message: error.message },
    ]);
  }
}

/** Scope 'all' is for admins (403 otherwise); admin-only events need it (422 otherwise). */
function checkScope(user: UserPrincipal, scope: string, events: readonly string[]): void {
  if (scope === 'all' && user.role !== 'admin') {
    throw new ForbiddenError('Only admins may receive the events of every task.');
  }
  const adminOnly = events.filter((event) => ADMIN_ONLY_EVENT_TYPES.has(event as WebhookEventType));
  if (adminOnly.length > 0 && scope !== 'all') {
    throw new LimitExceededError(`${adminOnly.join(', ')} need an endpoint with scope "all".`, [
      { path: 'events', message: `${adminOnly.join(', ')} are sent to scope "all" only (admins).` },
    ]);
  }
}

export async function listWebhookEndpoints(user: UserPrincipal): Promise<WebhookEndpointView[]> {
  const endpoints = await getPrisma().webhookEndpoint.findMany({
    where: { ownerId: user.userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return endpoints.map(toEndpointView);
}

export async function getWebhookEndpoint(
  user: UserPrincipal,
  id: string,
): Promise<WebhookEndpointView> {
  return toEndpointView(await findOwnEndpoint(user, id));
}

export async function createWebhookEndpoint(
  user: UserPrincipal,
  input: CreateWebhookInput,
  context: AuditContext,
): Promise<WebhookSecretView> {
  checkScope(user, input.scope, input.events);
  const prisma = getPrisma();
  const max = getEnv().WEBHOOK_MAX_ENDPOINTS;
  if ((await prisma.webhookEndpoint.count({ where: { ownerId: user.userId } })) >= max) {
    throw new LimitExceededError(`At most ${max} webhook endpoints each; delete one first.`);
  }
  await checkUrl(user, input.url);
  const secret = generateWebhookSecret();
  const created = await prisma.webhookEndpoint.create({
    data: {
      id: uuid7(),
      ownerId: user.userId,
      scope: input.scope,
      url: input.url,
      description: input.description ?? null,
      events: input.events,
      secretSealed: sealSecret(secret),
      enabled: input.enabled,
    },
  });
  await recordAudit(user, 'webhook.create', { type: 'webhook', id: created.id }, context, {
    url: created.url,
    events: created.events,
    scope: created.scope,
  });
  return { ...toEndpointView(created), secret };
}

export async function updateWebhookEndpoint(
  user: UserPrincipal,
  id: string,
  changes: UpdateWebhookInput,
  context: AuditContext,
): Promise<WebhookEndpointView> {
  const endpoint = await findOwnEndpoint(user, id);
  if (changes.scope !== undefined || changes.events !== undefined) {
    checkScope(user, changes.scope ?? endpoint.scope, changes.events ?? endpoint.events);
  }
  if (changes.url !== undefined && changes.url !== endpoint.url) await checkUrl(user, changes.url);
  const updated = await getPrisma().webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: changes.events } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.scope !== undefined ? { scope: changes.scope } : {}),
      // Turned on again by its owner: Taskdeck's reason for turning it off no longer holds.
      ...(changes.enabled !== undefined
        ? { enabled: changes.enabled, ...(changes.enabled ? { disabledReason: null } : {}) }
        : {}),
    },
  });
  await recordAudit(user, 'webhook.update', { type: 'webhook', id }, context, {
    changed: Object.keys(changes),
  });
  return toEndpointView(updated);
}

/** Deletes the endpoint and its deliveries; tasks already sending find it gone and stop. */
export async function deleteWebhookEndpoint(
  user: UserPrincipal,
  id: string,
  context: AuditContext,
): Promise<void> {
  const endpoint = await findOwnEndpoint(user, id);
  await getPrisma().webhookEndpoint.deleteMany({ where: { id: endpoint.id } });
  await recordAudit(user, 'webhook.delete', { type: 'webhook', id }, context, {
    url: endpoint.url,
  });
}

/** A new secret, shown once; attempts from now on sign with it. */
export async function rotateWebhookSecret(
  user: UserPrincipal,
  id: string,
  context: AuditContext,
): Promise<WebhookSecretView> {
  const endpoint = await findOwnEndpoint(user, id);
  const secret = generateWebhookSecret();
  const updated = await getPrisma().webhookEndpoint.update({
    where: { id: endpoint.id },
    data: { secretSealed: sealSecret(secret) },
  });
  await recordAudit(user, 'webhook.rotate_secret', { type: 'webhook', id }, context);
  return { ...toEndpointView(updated), secret };
}
