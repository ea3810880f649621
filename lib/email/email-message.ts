// An email task's message as its page shows it (server/email/email-preview.ts reads it from
// the payload), and its text cut into runs and links. Safe to import from the browser.

export interface EmailMessageView {
  to: string;
  subject: string;
  text: string;
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
