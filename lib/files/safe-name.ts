// File names as users see them: kept in Unicode, but never a path, never invisible tricks
// (bidi overrides that turn "gpj.exe" around, zero-width characters), never too long.
// They are display and download names only; storage keys are made by our code, in ASCII.

/** Longest display name, in UTF-8 bytes (file systems allow 255; room for a " (2)" and more). */
export const MAX_NAME_BYTES = 200;

const FALLBACK_NAME = 'unnamed';

// C0 and C1 controls and DEL; bidi embeddings, overrides and isolates; bidi marks; invisible
// formatting (zero-width space, word joiner and invisible operators, BOM, soft hyphen, Mongolian
// vowel separator); lone surrogates, which cannot be encoded.
const INVISIBLE =
  /[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Zero-width (non-)joiners are part of emoji sequences (👨‍👩‍👧) and of Persian and Indic spelling:
// kept between two letters, digits or emoji, dropped anywhere else.
const JOINABLE = String.raw`[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]`;
const STRAY_JOINER = new RegExp(
  String.raw`(?<!${JOINABLE})[\u200c\u200d]+|[\u200c\u200d]+(?!${JOINABLE})`,
  'gu',
);

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** The longest start of text, in whole grapheme clusters, that fits in maxBytes of UTF-8. */
function truncateToBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let result = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = byteLength(segment);
    if (used + size > maxBytes) break;
    result += segment;
    used += size;
  }
  return result;
}

function trimName(name: string): string {
  return name.replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');
}

/** Splits "Q3 sales.csv" into ["Q3 sales", ".csv"]; "notes" and "Mr. Smith" have no extension. */
function splitExtension(name: string): [base: string, extension: string] {
  const match = /^(.+?)(\.[\p{L}\p{N}_-]{1,16})$/u.exec(name);
  return match ? [match[1] ?? name, match[2] ?? ''] : [name, ''];
}

/** base + tail within MAX_NAME_BYTES, shortening the base only; the tail is never cut. */
function fitName(base: string, tail: string): string {
  const room = MAX_NAME_BYTES - byteLength(tail);
  if (room < 1) return trimName(truncateToBytes(base + tail, MAX_NAME_BYTES));
  if (byteLength(base) <= room) return base + tail;
  // A cut base must not end in a space or dot before the tail.
  const fitted = trimName(truncateToBytes(base, room));
  return fitted ? fitted + tail : trimName(tail);
}

function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\t\n\v\f\r\u2028\u2029]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(STRAY_JOINER, '');
}

/**
 * The name we keep and show for an uploaded file: its last path segment (both / and \ count),
 * NFC, without controls, bidi controls and zero-width characters, whitespace collapsed, without
 * leading dots or spaces and trailing dots or spaces, at most MAX_NAME_BYTES of UTF-8 with its
 * extension kept; "unnamed" when nothing is left.
 */
export function toDisplayName(raw: string | undefined | null): string {
  if (!raw) return FALLBACK_NAME;
  const segments = cleanText(raw).split(/[/\\]/);
  const last = segments.findLast((segment) => segment.trim() !== '') ?? '';
  const name = trimName(last.replace(/\s+/gu, ' '));
  if (!name) return FALLBACK_NAME;
  const [base, extension] = splitExtension(name);
  return fitName(base, extension) || FALLBACK_NAME;
}

/**
 * The name of a file made from another: ("Q3 sales.csv", 'cleaned', 'csv') →
 * "Q3 sales.cleaned.csv". The input's own extension is replaced; the suffix and extension are
 * never cut when the name is too long, the base is.
 */
export function deriveOutputName(inputName: string, suffix: string, extension: string): string {
  const [base] = splitExtension(toDisplayName(inputName));
  const part = (text: string) => trimName(cleanText(text).replace(/[/\\\s]+/gu, '-'));
  const tail = [part(suffix), part(extension)]
    .filter(Boolean)
    .map((piece) => `.${piece}`)
    .join('');
  return fitName(base, tail) || FALLBACK_NAME;
}

/** RFC 5987 value-chars: percent-encode all but ALPHA / DIGIT / "!#$&+-.^_`|~". */
function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A Content-Disposition header (RFC 6266) for a download or inline view named `name`: a plain
 * ASCII `filename` for old clients, and the exact name as `filename*` (RFC 5987, UTF-8).
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const safe = toDisplayName(name);
  // One '_' per non-ASCII character (code point, not UTF-16 unit). Quotes and backslashes would
  // need escaping that clients handle inconsistently; '%' is decoded by some (RFC 6266 appendix D).
  const ascii = Array.from(safe, (char) => (/^[\x20-\x7e]$/.test(char) ? char : '_'))
    .join('')
    .replace(/["\\%]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(safe)}`;
}
