import { z } from 'zod';
import { PermanentTaskError } from '@/lib/errors';
import { getMailer } from '@/server/email/mailer';
import { classifySendError } from '@/server/email/smtp-errors';
import { defineTaskType, taskOutputPrefix } from '../task-type';

export const emailPayloadSchema = z
  .object({
    to: z.email(),
    // One line: a header cannot carry line breaks.
    subject: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\r\n]*$/, 'The subject must be one line'),
    text: z.string().max(20_000),
    /** The task the message is about, if any. */
    aboutTaskId: z.uuid().optional(),
  })
  .strict();

/** A failure worth another attempt; its name is the task's error code. */
class TransientEmailError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

async function* bytesOf(buffer: Buffer): AsyncGenerator<Uint8Array> {
  yield buffer;
}

export const emailSend = defineTaskType({
  name: 'email.send',
  title: 'Email',
  description: 'Sends one email: through SMTP_URL, or into storage when no SMTP server is set.',
  schema: emailPayloadSchema,
  access: 'internal',
  defaults: {
    queue: 'notifications',
    attempts: 5,
    // 30 s, 1, 2, 4 min: rides out a greylisting server or a short outage, capped at 10 min.
    backoff: { type: 'exponential', delayMs: 30_000, maxDelayMs: 10 * 60_000, jitter: 0.2 },
    timeoutMs: 60_000,
  },
  async process({ taskId, payload, signal, reportProgress, log, storage }) {
    const mailer = getMailer();
    signal.throwIfAborted();
    reportProgress(10, mailer.transport === 'smtp' ? 'Sending' : 'Composing the message');
    let sent;
    try {
      sent = await mailer.send({
        to: payload.to,
        subject: payload.subject,
        text: payload.text,
        headers: payload.aboutTaskId ? { 'X-Taskdeck-Task': payload.aboutTaskId } : undefined,
      });
    } catch (error) {
      const failure = classifySendError(error);
      log(failure.message, failure.permanent ? 'error' : 'warn');
      if (failure.permanent) throw new PermanentTaskError(failure.code, failure.message);
      throw new TransientEmailError(failure.code, failure.message);
    }

    if (sent.transport === 'smtp') {
      log(
        `Accepted by the mail server for ${sent.accepted.join(', ') || 'nobody'}: ${sent.response}`,
      );
      return {
        result: {
          transport: 'smtp',
          to: payload.to,
          subject: payload.subject,
          messageId: sent.messageId,
          accepted: sent.accepted,
          rejected: sent.rejected,
          response: sent.response,
        },
      };
    }

    // No SMTP server configured: keep the message where the task page can show it.
    reportProgress(60, 'Storing the message');
    const stored = await storage.write(
      `${taskOutputPrefix(taskId)}/message.eml`,
      bytesOf(sent.raw),
    );
    log('No SMTP server is configured (SMTP_URL): the message was stored instead of sent.');
    return {
      result: {
        transport: 'development',
        to: payload.to,
        subject: payload.subject,
        messageId: sent.messageId,
      },
      files: [
        {
          key: stored.key,
          name: 'message.eml',
          contentType: 'message/rfc822',
          size: stored.size,
          kind: 'email',
          meta: { to: payload.to, subject: payload.subject },
        },
      ],
    };
  },
});
