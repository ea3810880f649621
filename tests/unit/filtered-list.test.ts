import { describe, expect, it } from 'vitest';
import {
  describeFieldErrors,
  listHref,
  parseListParams,
  readListParams,
} from '@/components/admin/filtered-list/list-params';
import { summarizeRetry } from '@/components/admin/tasks/bulk-summary';
import { listAuditQuerySchema } from '@/server/audit/audit-service';

// The toolkit the filtered admin lists share (tasks, audit log, dead letters): reading the
// query string, checking it with the list's schema, and writing links back.

describe('a filtered list query string', () => {
  it('keeps every parameter, or only the names given, trimmed, blanks dropped', () => {
    const params = { action: ' api_key.create ', actor: ['  ', 'x'], extra: 'y', cursor: '' };
    expect(readListParams(params)).toEqual({ action: 'api_key.create', actor: 'x', extra: 'y' });
    expect(readListParams(params, { names: ['action', 'cursor'] })).toEqual({
      action: 'api_key.create',
    });
    expect(readListParams({ status: ['failed', 'cancelled'] }, { join: ['status'] })).toEqual({
      status: 'failed,cancelled',
    });
  });

  it('writes links with the set parameters only', () => {
    expect(listHref('/admin/audit', {})).toBe('/admin/audit');
    expect(listHref('/admin/audit', { actor: 'a b', cursor: undefined, to: '' })).toBe(
      '/admin/audit?actor=a+b',
    );
  });

  it('names each bad parameter by its label, and keeps unnamed problems as they are', () => {
    const labels = { from: 'From', cursor: 'Page' };
    const parsed = parseListParams(listAuditQuerySchema, { from: 'yesterday', foo: '1' }, labels);
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems).toHaveLength(2);
    expect(problems.filter((problem) => problem.startsWith('From: '))).toHaveLength(1);
    expect(problems.some((problem) => problem.includes('foo'))).toBe(true);
    expect(
      describeFieldErrors(
        [
          { path: 'status.1', message: 'Unknown status' },
          { path: 'limit', message: 'Too big' },
        ],
        { status: 'Status' },
      ),
    ).toEqual(['Status: Unknown status', 'Too big']);
    expect(parseListParams(listAuditQuerySchema, { actor: 'carol' }, labels)).toEqual({
      ok: true,
      query: { actor: 'carol', limit: 50 },
    });
  });
});

describe('a dead-letter retry’s outcome', () => {
  it('counts the retried tasks and those that could not be', () => {
    expect(summarizeRetry([{ id: 'a', ok: true }])).toBe('Retried 1 task.');
    expect(
      summarizeRetry([
        { id: 'a', ok: true },
        { id: 'b', ok: true },
        { id: 'c', ok: false, error: 'not failed' },
      ]),
    ).toBe('Retried 2 tasks; 1 could not be retried.');
  });
});
