import type { AlertKind } from '@/lib/alerts/alert-spec';
import { formatAlertValue } from '@/lib/alerts/alert-text';
import type { AlertChannels } from '@/lib/alerts/alert-view';
import { getEnv } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import { uuid7From } from '@/lib/uuid7';
import { resolvePublicUrl } from '@/server/email/completion-message';
import { getPrisma } from '@/server/infra/clients';
import { isUniqueViolation } from '@/server/tasks/task-insert';
import { createInternalTask } from '@/server/tasks/task-submission';
import { emailSend } from '@/server/tasks/types/email-send';
import { publishWebhookEvent } from '@/server/webhooks/webhook-publish';

// The one place an alert's notice leaves Taskdeck, on every channel its rule names. Email: one
// email.send task per admin with an address, so the mail is durable and retried like any
// task. Each task's id is made from the incident, the notice and the admin, so a pass that
// queued the mails and then failed before recording it queues nothing twice when it is
// repeated. The webhook channel records one `alert.firing` / `alert.resolved` event per notice
// for admins' scope-'all' endpoints (server/webhooks/webhook-publish.ts), its id made the same
// way, so a repeated notice records nothing twice.

export type AlertState = 'firing' | 'resolved';

export interface AlertEvent {
  rule: {
    id: string;
    name: string;
    kind: AlertKind;
    /** describeRule's sentence. */
    description: string;
    channels: AlertChannels;
  };
  state: AlertState;
  /** The figure that made it fire or stop, in the rule's unit. */
  value: number | null;
  threshold: number | null;
  /** When the evaluation saw it. */
  at: Date;
  incident: {
    id: string;
    startedAt: Date;
    /** 1 for the first firing notice of the incident, 2 for the first reminder... */
    notice: number;
  };
}

export interface AlertDelivery {
  /** email.send tasks queued by this call (not those a repeated call found queued already). */
  emails: number;
  /** Webhook events recorded by this call (0 or 1; a repeated call finds it recorded). */
  webhookEvents: number;
}

function noticeOf(event: AlertEvent): string {
  return event.state === 'firing' ? `firing:${event.incident.notice}` : 'resolved';
}

async function publishAlertWebhook(event: AlertEvent): Promise<number> {
  const { recorded } = await publishWebhookEvent({
    id: uuid7From(
      event.incident.startedAt.getTime(),
      `alert-webhook:${event.incident.id}:${noticeOf(event)}`,
    ),
    type: event.state === 'firing' ? 'alert.firing' : 'alert.resolved',
    occurredAt: event.at,
    data: {
      rule: {
        id: event.rule.id,
        name: event.rule.name,
        kind: event.rule.kind,
        description: event.rule.description,
      },
      state: event.state,
      value: event.value,
      threshold: event.threshold,
      incident: {
        id: event.incident.id,
        startedAt: event.incident.startedAt.toISOString(),
        notice: event.incident.notice,
      },
    },
  });
  return recorded ? 1 : 0;
}

function formatThreshold(event: AlertEvent): string {
  return event.rule.kind === 'no_worker'
    ? 'at least one live worker'
    : formatAlertValue(event.rule.kind, event.threshold);
}

function composeEmail(event: AlertEvent): { subject: string; text: string } {
  const link = `${resolvePublicUrl(getEnv())}/admin/alerts`;
  const value = formatAlertValue(event.rule.kind, event.value);
  const firing = event.state === 'firing';
  const heading = firing ? (event.incident.notice > 1 ? 'Still firing' : 'Firing') : 'Resolved';
  const lines = [
    `${heading}: ${event.rule.name}`,
    '',
    event.rule.description,
    `Now: ${value} (threshold: ${formatThreshold(event)})`,
    `Firing since: ${event.incident.startedAt.toISOString()}`,
    ...(firing ? [] : [`Resolved at: ${event.at.toISOString()}`]),
    '',
    `Alert rules: ${link}`,
  ];
  // A header cannot carry line breaks; rule names are one line already, but stay safe.
  const subject = `[Taskdeck] ${heading}: ${event.rule.name}`.replace(/[\r\n]+/g, ' ');
  return { subject: subject.slice(0, 200), text: lines.join('\n') };
}

/** Admins who can be mailed: not banned, with an address. */
async function listAdminRecipients(): Promise<Array<{ id: string; email: string }>> {
  return getPrisma().user.findMany({
    where: { role: 'admin', NOT: { banned: true }, email: { not: '' } },
    select: { id: true, email: true },
    orderBy: { id: 'asc' },
  });
}

async function emailAdmins(event: AlertEvent): Promise<number> {
  const { subject, text } = composeEmail(event);
  const notice = noticeOf(event);
  let queued = 0;
  for (const admin of await listAdminRecipients()) {
    const id = uuid7From(
      event.incident.startedAt.getTime(),
      `alert:${event.incident.id}:${notice}:${admin.id}`,
    );
    try {
      await createInternalTask(
        emailSend.name,
        admin.id,
        { to: admin.email, subject, text },
        { id },
      );
      queued += 1;
    } catch (error) {
      // Queued by an earlier try of this same notice.
      if (isUniqueViolation(error)) continue;
      // An address the email type refuses: the other admins still get theirs.
      if (!(error instanceof ValidationError)) throw error;
      getLogger().warn({ userId: admin.id, err: error }, 'alert email refused for an admin');
    }
  }
  return queued;
}

/**
 * Sends the notice on the rule's channels. Throws when a channel cannot take it (Postgres
 * down): the evaluation then leaves the notice unrecorded and the next pass sends it again.
 */
export async function notifyAlert(event: AlertEvent): Promise<AlertDelivery> {
  const emails = event.rule.channels.email ? await emailAdmins(event) : 0;
  const webhookEvents = event.rule.channels.webhook ? await publishAlertWebhook(event) : 0;
  return { emails, webhookEvents };
}
