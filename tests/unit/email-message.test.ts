import { describe, expect, it } from 'vitest';
import { splitLinks } from '@/lib/email/email-message';

// An email's text on its page: web addresses become links, nothing else does, and the parts
// joined give the text back exactly.

const join = (text: string) =>
  splitLinks(text)
    .map((part) => (part.kind === 'link' ? part.href : part.text))
    .join('');

describe('splitLinks', () => {
  it('makes http(s) addresses links, leaving sentence punctuation out of them', () => {
    const text = 'Open it: https://taskdeck.example/tasks/abc. Or (http://x.test/a?b=1).';
    expect(splitLinks(text)).toEqual([
      { kind: 'text', text: 'Open it: ' },
      { kind: 'link', href: 'https://taskdeck.example/tasks/abc' },
      { kind: 'text', text: '. Or (' },
      { kind: 'link', href: 'http://x.test/a?b=1' },
      { kind: 'text', text: ').' },
    ]);
    expect(join(text)).toBe(text);
  });

  it('leaves other schemes and plain text as text', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'no link here', '']) {
      expect(splitLinks(text).every((part) => part.kind === 'text')).toBe(true);
      expect(join(text)).toBe(text);
    }
  });

  it('finds an address at the end of a line and one right after another', () => {
    const text = 'a\nhttps://a.test/1\nhttps://b.test/2';
    expect(splitLinks(text).filter((part) => part.kind === 'link')).toEqual([
      { kind: 'link', href: 'https://a.test/1' },
      { kind: 'link', href: 'https://b.test/2' },
    ]);
    expect(join(text)).toBe(text);
  });
});
