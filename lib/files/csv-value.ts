// Per-value checks for CSV profiling. They run once per cell of files with millions of rows, so
// they read char codes of text.slice(start, end) in place (no substring, no regular expression,
// no allocation). Callers holding a plain string pass (value, 0, value.length).

const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** The characters String#trim removes. */
function isSpace(c: number): boolean {
  if (c <= SPACE) return c === SPACE || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** First position in [start, end) that is not trimmable whitespace (end if none). */
export function skipSpaceForward(text: string, start: number, end: number): number {
  for (; start < end; start++) {
    const c = text.charCodeAt(start);
    if ((c > SPACE && c < 0xa0) || !isSpace(c)) break;
  }
  return start;
}

/** One past the last position in [start, end) that is not trimmable whitespace. */
export function skipSpaceBackward(text: string, start: number, end: number): number {
  for (; end > start; end--) {
    const c = text.charCodeAt(end - 1);
    if ((c > SPACE && c < 0xa0) || !isSpace(c)) break;
  }
  return end;
}

/** Null markers (of a trimmed value): empty, null / NULL / Null, NA, N/A / n/a. */
export function isNullText(text: string, start: number, end: number): boolean {
  switch (end - start) {
    case 0:
      return true;
    case 2:
      return text.charCodeAt(start) === 78 && text.charCodeAt(start + 1) === 65; // NA
    case 3: {
      const n = text.charCodeAt(start);
      const a = text.charCodeAt(start + 2);
      return (
        text.charCodeAt(start + 1) === 47 && ((n === 78 && a === 65) || (n === 110 && a === 97))
      );
    }
    case 4: {
      const n = text.charCodeAt(start);
      const u = text.charCodeAt(start + 1);
      const l1 = text.charCodeAt(start + 2);
      const l2 = text.charCodeAt(start + 3);
      if (u === 117) return (n === 110 || n === 78) && l1 === 108 && l2 === 108; // null, Null
      return n === 78 && u === 85 && l1 === 76 && l2 === 76; // NULL
    }
    default:
      return false;
  }
}

export const NOT_NUMERIC = 0;
export const INTEGER_TEXT = 1;
export const DECIMAL_TEXT = 2;
export type NumberKind = typeof NOT_NUMERIC | typeof INTEGER_TEXT | typeof DECIMAL_TEXT;

// Powers of ten up to 1e22 are exact doubles, so digits / 10^k is the correctly rounded value.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits that still fit exactly in a double's integer range. */
const SAFE_DIGITS = 15;

/**
 * Whether the value is a decimal number ([+-]digits[.digits][e[+-]digits], '.5' and '5.'
 * allowed) and whether it is an integer; writes the number to `out.value`. Digits are summed
 * while checking, so ordinary values need no Number() call.
 */
export function scanNumber(
  text: string,
  start: number,
  end: number,
  out: { value: number },
): NumberKind {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let digits = 0;
  let mantissa = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
  }
  if (i === end) {
    if (digits === 0) return NOT_NUMERIC;
    out.value =
      digits > SAFE_DIGITS ? Number(text.slice(start, end)) : negative ? -mantissa : mantissa;
    return INTEGER_TEXT;
  }
  let decimals = 0;
  if (c === 46) {
    for (i++; i < end; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      mantissa = mantissa * 10 + (c - 48);
      decimals++;
    }
    digits += decimals;
    if (digits === 0) return NOT_NUMERIC;
    if (i === end) {
      out.value =
        digits > SAFE_DIGITS
          ? Number(text.slice(start, end))
          : (negative ? -mantissa : mantissa) / (POW10[decimals] ?? 10 ** decimals);
      return DECIMAL_TEXT;
    }
  }
  if (digits === 0 || (c !== 101 && c !== 69)) return NOT_NUMERIC; // e E
  i++;
  if (i < end && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
  if (i === end) return NOT_NUMERIC;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NOT_NUMERIC;
  }
  out.value = Number(text.slice(start, end));
  return DECIMAL_TEXT;
}

/** true / false in any letter case. */
export function isBooleanText(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n === 4) {
    return (
      (text.charCodeAt(start) | 32) === 116 && // t
      (text.charCodeAt(start + 1) | 32) === 114 && // r
      (text.charCodeAt(start + 2) | 32) === 117 && // u
      (text.charCodeAt(start + 3) | 32) === 101 // e
    );
  }
  return (
    n === 5 &&
    (text.charCodeAt(start) | 32) === 102 && // f
    (text.charCodeAt(start + 1) | 32) === 97 && // a
    (text.charCodeAt(start + 2) | 32) === 108 && // l
    (text.charCodeAt(start + 3) | 32) === 115 && // s
    (text.charCodeAt(start + 4) | 32) === 101 // e
  );
}

/** RFC 4180: a field needs quotes when it holds a comma, a quote or a line end. */
export function needsQuoting(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === QUOTE || c === LF || c === CR) return true;
  }
  return false;
}

export function quoteField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
