import { ValidationError, type FieldError } from '@/lib/errors';

// One check at every edge (REST bodies, queries, headers and path ids; every server action's
// arguments) before any schema: text PostgreSQL cannot store (NUL) or that is not Unicode
// (a lone surrogate, what invalid UTF-8 or a broken \u escape becomes), and nesting deeper
// than any input of ours. Each schema then sees only text it can reason about.

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a piece of text is refused, or null when it is fine. */
export function describeUnsafeText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode text';
  return null;
}

function entriesOf(value: object): Array<[string, unknown]> {
  if (typeof FormData !== 'undefined' && value instanceof FormData) return [...value.entries()];
  if (value instanceof Map) return [...value.entries()].map(([key, item]) => [String(key), item]);
  if (value instanceof Set) return [...value].map((item, index) => [String(index), item]);
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof Blob) return [];
  return Object.entries(value);
}

/** The first unsafe text in a value (keys included), with its dotted path. */
export function findUnsafeInput(value: unknown, path = '', depth = 0): FieldError | null {
  if (typeof value === 'string') {
    const problem = describeUnsafeText(value);
    return problem ? { path, message: `The text ${problem}.` } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) return { path, message: `Nested more than ${MAX_DEPTH} levels deep.` };
  for (const [key, item] of entriesOf(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    const keyProblem = describeUnsafeText(key);
    if (keyProblem) return { path: itemPath, message: `The field name ${keyProblem}.` };
    const found = findUnsafeInput(item, itemPath, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws a ValidationError naming the field when the input holds unsafe text. */
export function rejectUnsafeInput(value: unknown, message = 'The request is not valid.'): void {
  const found = findUnsafeInput(value);
  if (found) throw new ValidationError(`${message} ${found.message}`.trim(), [found]);
}
