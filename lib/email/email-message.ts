// An email.send task's message as its page shows it: read from the task's payload, which is
// exactly what the mailer encoded (the stored .eml is its quoted-printable rendering, kept as
// a download). email.send sends a text part only, so there is no HTML to render. Safe to import
// from the browser.

export const EMAIL_TASK_TYPE = 'email.send';

export interface EmailMessageView {
  to: string;
  subject: string;
  text: string;
}

/** The message of an email.send task's payload, or null when the payload is not one. */
export function readEmailMessage(type: string, payload: unknown): EmailMessageView | null {
  if (type !== EMAIL_TASK_TYPE || typeof payload !== 'object' || payload === null) return null;
  const { to, subject, text } = payload as Record<string, unknown>;
  if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') {
    return null;
  }
  return { to, subject, text };
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; href: string };

// http(s) only: a javascript: or data: address in a message stays text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
// Punctuation that ends a sentence is not part of the address before it.
const TRAILING = /[).,;:!?\]]+$/;

/** The text cut into plain runs and web addresses, in order; joined, they are the text again. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const href = match[0].replace(TRAILING, '');
    const start = match.index;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', href });
    last = start + href.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
