import { describe, expect, it } from 'vitest';
import { summarizeOutcomes } from '@/components/admin/tasks/bulk-summary';
import {
  readTaskListParams,
  taskListHref,
  toDateTimeLocal,
} from '@/components/admin/tasks/task-list-params';
import { listTasksQuerySchema, readCreatedBound } from '@/lib/tasks/task-inputs';

// The admin task list's pure parts: the query string it lives in, the filters' schema, and
// what a bulk action says afterwards.

describe('the task list query string', () => {
  it('keeps known filters, one value each, several statuses joined, blanks dropped', () => {
    expect(
      readTaskListParams({
        status: ['failed', ' cancelled '],
        type: ['email.send', 'report.generate'],
        owner: '  ',
        q: ' invoices ',
        limit: '5',
        other: 'x',
      }),
    ).toEqual({ status: 'failed,cancelled', type: 'email.send', q: 'invoices' });
  });

  it('writes a link with the filters, or the bare path without any', () => {
    expect(taskListHref({})).toBe('/admin/tasks');
    expect(taskListHref({ status: 'failed,cancelled', q: '50% off', cursor: undefined })).toBe(
      '/admin/tasks?status=failed%2Ccancelled&q=50%25+off',
    );
  });

  it('shows any ISO time as a UTC datetime-local value', () => {
    expect(toDateTimeLocal('2026-01-31T14:05')).toBe('2026-01-31T14:05');
    expect(toDateTimeLocal('2026-01-31T16:05:30+02:00')).toBe('2026-01-31T14:05');
    expect(toDateTimeLocal('not a time')).toBe('');
    expect(toDateTimeLocal(undefined)).toBe('');
  });
});

describe('listTasksQuerySchema', () => {
  it('reads statuses as a list, blanks as absent, and a datetime without offset as UTC', () => {
    const parsed = listTasksQuerySchema.parse({
      status: 'failed,cancelled,failed',
      type: '',
      from: '2026-01-31T14:05',
      to: '2026-02-01T00:00:00+01:00',
    });
    expect(parsed).toEqual({
      status: ['failed', 'cancelled'],
      from: '2026-01-31T14:05',
      to: '2026-02-01T00:00:00+01:00',
      limit: 25,
    });
    expect(readCreatedBound('2026-01-31T14:05').toISOString()).toBe('2026-01-31T14:05:00.000Z');
    expect(readCreatedBound(parsed.to!).toISOString()).toBe('2026-01-31T23:00:00.000Z');
  });

  it('refuses an unknown status, a bad time, a backwards range and unknown parameters', () => {
    const issuesOf = (input: object) =>
      listTasksQuerySchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    // On `status` itself, as REST clients have always been told (tests/e2e/rest-api.test.ts).
    expect(issuesOf({ status: 'failed,done' })).toEqual(['status']);
    expect(
      listTasksQuerySchema.safeParse({ status: 'failed,done' }).error?.issues[0]?.message,
    ).toBe(
      'Unknown status "done": use one of queued, delayed, running, retrying, cancelling, succeeded, failed, cancelled',
    );
    expect(issuesOf({ from: 'yesterday' })).toEqual(['from']);
    expect(issuesOf({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual(['to']);
    expect(issuesOf({ offset: '100' })).toEqual(['']);
  });
});

describe('a bulk action’s outcome', () => {
  it('counts what was done and each reason for a skip once', () => {
    expect(
      summarizeOutcomes('delete', [
        { id: 'a', ok: true },
        { id: 'b', ok: false, error: 'still running' },
        { id: 'c', ok: true },
        { id: 'd', ok: false, error: 'still running' },
        { id: 'e', ok: false, error: 'No such task.' },
        { id: 'f', ok: true },
      ]),
    ).toBe('3 deleted, 2 skipped: still running, 1 skipped: No such task.');
    expect(summarizeOutcomes('retry', [{ id: 'a', ok: true }])).toBe('1 retried');
  });
});
