import type { EmailMessageView } from '@/lib/email/email-message';
import { splitLinks } from '@/lib/email/email-message';

/**
 * The message an email task sends, decoded: its headers and its text with web addresses as
 * links. Rendered as React text (never as HTML), so a message cannot run script on the page.
 */
export function EmailMessage({ message }: { message: EmailMessageView }) {
  return (
    <div data-testid="email-message" className="space-y-2 text-sm">
      <dl className="grid grid-cols-[5rem_1fr] gap-x-3 gap-y-1">
        <dt className="text-slate-500">To</dt>
        <dd data-testid="email-to">{message.to}</dd>
        <dt className="text-slate-500">Subject</dt>
        <dd data-testid="email-subject" className="font-medium">
          {message.subject}
        </dd>
      </dl>
      <div
        data-testid="email-text"
        className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 text-sm"
      >
        {splitLinks(message.text).map((part, index) =>
          part.kind === 'link' ? (
            <a
              key={index}
              href={part.href}
              rel="noopener noreferrer"
              className="text-blue-700 underline"
            >
              {part.href}
            </a>
          ) : (
            <span key={index}>{part.text}</span>
          ),
        )}
      </div>
    </div>
  );
}
