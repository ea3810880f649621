import { z } from 'zod';
import { defineTaskType } from '../task-type';

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

export type EmailPayload = z.output<typeof emailPayloadSchema>;

export const emailSend = defineTaskType({
  name: 'email.send',
  title: 'Email',
  description: 'Sends one email: through SMTP_URL, or into storage when no SMTP server is set.',
  schema: emailPayloadSchema,
  summarize: (payload) => `to ${payload.to}`,
  access: 'internal',
  origin: { byHand: 'sent by Taskdeck when a task ends' },
  // An email about an email would never end.
  completionEmail: false,
  // A completion email is its task's child; an alert's email has no task to belong to.
  followUp: true,
  defaults: {
    queue: 'notifications',
    attempts: 5,
    // 30 s, 1, 2, 4 min: rides out a greylisting server or a short outage, capped at 10 min.
    backoff: { type: 'exponential', delayMs: 30_000, maxDelayMs: 10 * 60_000, jitter: 0.2 },
    timeoutMs: 60_000,
  },
  processor: () => import('./email-send-processor'),
});
