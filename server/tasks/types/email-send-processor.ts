import { PermanentTaskError } from '@/lib/errors';
import { getMailer } from '@/server/email/mailer';
import { classifySendError } from '@/server/email/smtp-errors';
import { taskOutputPrefix, type TaskContext, type TaskOutput } from '../task-type';
import type { EmailPayload } from './email-send';

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

export async function processTask(context: TaskContext<EmailPayload>): Promise<TaskOutput> {
  const { taskId, payload, signal, reportProgress, log, storage } = context;
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
  const stored = await storage.write(`${taskOutputPrefix(taskId)}/message.eml`, bytesOf(sent.raw));
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
        sha256: stored.sha256,
        kind: 'email',
        meta: { to: payload.to, subject: payload.subject },
      },
    ],
  };
}
