import nodemailer from 'nodemailer';
import { getEnv } from '@/lib/env';
import { onCloseClients } from '@/server/infra/clients';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. which task the message is about. */
  headers?: Record<string, string>;
}

export type SentEmail =
  | {
      transport: 'smtp';
      messageId: string;
      accepted: string[];
      rejected: string[];
      /** The server's last reply, e.g. `250 OK: queued as 123`. */
      response: string;
    }
  | {
      transport: 'development';
      messageId: string;
      /** The whole RFC 822 message, CRLF line endings. */
      raw: Buffer;
    };

export interface Mailer {
  readonly transport: 'smtp' | 'development';
  /** Throws nodemailer's error when the send fails (see smtp-errors.ts for what it means). */
  send(email: OutgoingEmail): Promise<SentEmail>;
  close(): void;
}

export interface MailerOptions {
  /** smtp:// or smtps:// URL; without one, messages are only composed (development transport). */
  smtpUrl?: string;
  /** The From header, e.g. `Taskdeck <taskdeck@example.com>`. */
  from?: string;
}

const DEFAULT_FROM = 'Taskdeck <taskdeck@localhost>';

// Each limit well under the email task's 60 s hard limit, so a dead server ends the attempt as
// a retryable connection error rather than as a timeout.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

// RFC 3834: marks the message as machine-sent, so vacation responders do not answer it.
const AUTO_HEADERS = { 'Auto-Submitted': 'auto-generated' };

function asAddressList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'address' in entry
      ? String((entry as { address: unknown }).address)
      : String(entry),
  );
}

/** The same message whichever transport carries it. */
function toMailOptions(email: Parameters<Mailer['send']>[0]) {
  return {
    to: email.to,
    subject: email.subject,
    text: email.text,
    headers: { ...AUTO_HEADERS, ...email.headers },
  };
}

function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  // Not pooled: a pool re-queues messages on its own after a dropped connection, and retries
  // must be the task's, visible in its history with their backoff.
  const transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS }, { from });
  return {
    transport: 'smtp',
    async send(email) {
      const info = await transport.sendMail(toMailOptions(email));
      return {
        transport: 'smtp',
        messageId: info.messageId,
        accepted: asAddressList(info.accepted),
        rejected: asAddressList(info.rejected),
        response: String(info.response ?? ''),
      };
    },
    close: () => transport.close(),
  };
}

function createDevelopmentMailer(from: string): Mailer {
  // Composes the exact message SMTP would carry, and hands it back instead of sending it.
  const transport = nodemailer.createTransport(
    { streamTransport: true, buffer: true, newline: 'windows' },
    { from },
  );
  return {
    transport: 'development',
    async send(email) {
      const info = await transport.sendMail(toMailOptions(email));
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from('');
      return { transport: 'development', messageId: info.messageId, raw };
    },
    close: () => transport.close(),
  };
}

/** A mailer with its own transport. Most code wants the process's one: getMailer(). */
export function createMailer(options: MailerOptions = {}): Mailer {
  const from = options.from ?? DEFAULT_FROM;
  return options.smtpUrl ? createSmtpMailer(options.smtpUrl, from) : createDevelopmentMailer(from);
}

const globalForMailer = globalThis as { __taskdeckMailer?: Mailer };

function adopt(mailer: Mailer): Mailer {
  globalForMailer.__taskdeckMailer = mailer;
  onCloseClients(async () => {
    // A mailer installed later has its own closer; only forget the one this closer belongs to.
    if (globalForMailer.__taskdeckMailer !== mailer) return;
    mailer.close();
    globalForMailer.__taskdeckMailer = undefined;
  });
  return mailer;
}

/** The process's mailer, made on first use from SMTP_URL and EMAIL_FROM; closed on shutdown. */
export function getMailer(): Mailer {
  if (globalForMailer.__taskdeckMailer) return globalForMailer.__taskdeckMailer;
  const env = getEnv();
  return adopt(createMailer({ smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM }));
}

/** Makes `mailer` the process's mailer (tests, and embedding with a transport of one's own). */
export function installMailer(mailer: Mailer): void {
  const previous = globalForMailer.__taskdeckMailer;
  if (previous && previous !== mailer) previous.close();
  adopt(mailer);
}
