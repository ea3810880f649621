import { ConflictError, isAppError, NotFoundError, ValidationError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';

// The last line behind validation: a database refusal caused by what the caller sent (a value
// PostgreSQL cannot store or compare, a row that vanished or a reference a racing delete
// removed) is the caller's 4xx, not our 500. Validation at the edges should catch these first,
// so each one is logged as a warning: it names a check that is missing.

// SQLSTATE class 22 is "data exception": invalid text for a type (22P02), a byte sequence the
// encoding refuses (22021, a NUL in text), a datetime out of range (22008), a number out of
// range (22003)... 54001 is a statement too complex (deeply nested JSON).
const BAD_INPUT_SQLSTATE = /^(22[0-9A-Z]{3}|54001)$/;
const CONFLICT_SQLSTATE = new Set(['23503', '23505', '40001', '40P01']);

const BAD_INPUT_PRISMA = new Set([
  'P2000',
  'P2006',
  'P2007',
  'P2009',
  'P2019',
  'P2020',
  'P2023',
  'P2033',
]);
const CONFLICT_PRISMA = new Set(['P2002', 'P2003', 'P2034']);

const BAD_INPUT_ADAPTER = new Set(['ValueOutOfRange', 'InvalidInputValue', 'LengthMismatch']);
const CONFLICT_ADAPTER = new Set([
  'UniqueConstraintViolation',
  'ForeignKeyConstraintViolation',
  'TransactionWriteConflict',
]);

type Verdict = 'bad_input' | 'conflict' | 'not_found';

function classify(node: Record<string, unknown>): Verdict | null {
  const code = typeof node.code === 'string' ? node.code : undefined;
  const original = typeof node.originalCode === 'string' ? node.originalCode : undefined;
  if (code === 'P2025') return 'not_found';
  if (code && BAD_INPUT_PRISMA.has(code)) return 'bad_input';
  if (code && CONFLICT_PRISMA.has(code)) return 'conflict';
  if (typeof node.kind === 'string') {
    if (BAD_INPUT_ADAPTER.has(node.kind)) return 'bad_input';
    if (CONFLICT_ADAPTER.has(node.kind)) return 'conflict';
  }
  // A pg DatabaseError (prepared statements pass them through unwrapped), or the adapter's copy.
  const sqlstate = original ?? (typeof node.severity === 'string' ? code : undefined);
  if (sqlstate && BAD_INPUT_SQLSTATE.test(sqlstate)) return 'bad_input';
  if (sqlstate && CONFLICT_SQLSTATE.has(sqlstate)) return 'conflict';
  return null;
}

function verdictOf(error: unknown): Verdict | null {
  const stack: unknown[] = [error];
  const seen = new Set<unknown>();
  while (stack.length > 0 && seen.size < 20) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const record = node as Record<string, unknown>;
    const verdict = classify(record);
    if (verdict) return verdict;
    stack.push(record.cause);
    const meta = record.meta;
    if (typeof meta === 'object' && meta !== null) {
      stack.push((meta as Record<string, unknown>).driverAdapterError);
    }
  }
  return null;
}

/** For the edges: a refusal caused by the input becomes its typed 4xx; anything else passes. */
export function replaceInputRefusal(thrown: unknown, context: Record<string, unknown>): unknown {
  if (isAppError(thrown)) return thrown;
  const verdict = verdictOf(thrown);
  if (!verdict) return thrown;
  getLogger().warn(
    { err: thrown, verdict, ...context },
    'the database refused the input: answered 4xx',
  );
  switch (verdict) {
    case 'bad_input':
      return new ValidationError('The request contains a value that cannot be stored or compared.');
    case 'conflict':
      return new ConflictError('The resource changed while the request ran. Reload and try again.');
    case 'not_found':
      return new NotFoundError();
  }
}
