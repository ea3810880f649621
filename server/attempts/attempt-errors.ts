import { PermanentTaskError } from '@/lib/errors';
import type { TaskErrorView } from '@/lib/tasks/task-view';

// How a failed attempt is described to the user: a stable code, the message, and its cause.

export class TaskTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The task took longer than its hard time limit of ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'TaskTimeoutError';
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 500);
  if (typeof cause === 'string') return cause.slice(0, 500);
  return undefined;
}

export function describeError(error: unknown): TaskErrorView {
  if (error instanceof TaskTimeoutError) return { code: 'timeout', message: error.message };
  if (error instanceof PermanentTaskError) {
    const cause = describeCause(error.cause);
    return { code: error.code, message: error.message, ...(cause ? { cause } : {}) };
  }
  if (error instanceof Error) {
    const cause = describeCause(error.cause);
    return { code: error.name || 'Error', message: error.message, ...(cause ? { cause } : {}) };
  }
  return { code: 'Error', message: String(error) };
}

/** The most an attempt's error detail keeps, in bytes of UTF-8. */
export const ERROR_DETAIL_MAX_BYTES = 16 * 1024;
/** Causes followed past the error itself; a longer (or circular) chain says it stopped. */
const MAX_CAUSE_DEPTH = 8;

function describeOne(error: unknown): string {
  if (error instanceof Error) {
    // V8's stack starts with "Name: message"; an error without one still says what it was.
    const head = `${error.name}: ${error.message}`;
    const stack = typeof error.stack === 'string' && error.stack ? error.stack : head;
    const code = 'code' in error && typeof error.code === 'string' ? ` [code: ${error.code}]` : '';
    return stack.startsWith(head) ? `${head}${code}${stack.slice(head.length)}` : stack;
  }
  try {
    return typeof error === 'string' ? error : `Non-error thrown: ${JSON.stringify(error)}`;
  } catch {
    return `Non-error thrown: ${String(error)}`;
  }
}

/** Cut to at most `maxBytes` of UTF-8 without splitting a character, saying it was cut. */
function boundBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = '\n… (cut at 16 KiB)';
  const room = maxBytes - Buffer.byteLength(marker);
  // Decoding a cut buffer drops a split last character as U+FFFD; trimmed off below.
  const cut = Buffer.from(text)
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return cut + marker;
}

/**
 * What an admin needs to debug a failed attempt, as Flower shows a traceback: the error's
 * stack, then each cause's ("Caused by: …"), at most ERROR_DETAIL_MAX_BYTES. Never shown to
 * the task's owner, whose view is describeError's code and message.
 */
export function describeErrorDetail(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null; depth += 1) {
    if (seen.has(current) || depth > MAX_CAUSE_DEPTH) {
      parts.push('Caused by: … (chain cut)');
      break;
    }
    seen.add(current);
    parts.push(depth === 0 ? describeOne(current) : `Caused by: ${describeOne(current)}`);
    if (current instanceof AggregateError) {
      current.errors.slice(0, 5).forEach((inner: unknown, index) => {
        parts.push(`  [${index}] ${describeOne(inner).replaceAll('\n', '\n  ')}`);
      });
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return boundBytes(parts.join('\n'), ERROR_DETAIL_MAX_BYTES);
}
