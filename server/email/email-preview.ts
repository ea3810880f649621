import type { EmailMessageView } from '@/lib/email/email-message';
import type { TaskView } from '@/lib/tasks/task-view';
import { emailPayloadSchema, emailSend } from '@/server/tasks/types/email-send';

/**
 * The message an email.send task sends, for its page: read from its payload, which is exactly
 * what the mailer encodes (the stored .eml, quoted-printable, stays a download). email.send
 * sends a text part only, so there is no HTML part to render. Null for other tasks.
 */
export function readEmailMessage(
  task: Pick<TaskView, 'type' | 'payload'>,
): EmailMessageView | null {
  if (task.type !== emailSend.name) return null;
  const parsed = emailPayloadSchema.safeParse(task.payload);
  if (!parsed.success) return null;
  const { to, subject, text } = parsed.data;
  return { to, subject, text };
}
