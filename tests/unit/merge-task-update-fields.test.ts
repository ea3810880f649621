import { describe, expect, it } from 'vitest';
import { mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import { makeTask, makeUpdate } from './task-fixtures';

// What an update that wins does to each field: kept, overwritten, or left alone when absent.

describe('mergeTaskUpdate', () => {
  it('keeps fields the update does not carry (type, payload, createdAt, ...)', () => {
    const task = makeTask();
    const merged = mergeTaskUpdate(task, makeUpdate());
    expect(merged.type).toBe(task.type);
    expect(merged.queue).toBe(task.queue);
    expect(merged.payload).toBe(task.payload);
    expect(merged.createdAt).toBe(task.createdAt);
    expect(merged.maxAttempts).toBe(task.maxAttempts);
    expect(merged.ownerId).toBe(task.ownerId);
  });

  it('overwrites progressMessage even with null (it is not optional)', () => {
    const task = makeTask({ progressMessage: 'Working' });
    const merged = mergeTaskUpdate(task, makeUpdate({ progressMessage: null }));
    expect(merged.progressMessage).toBeNull();
  });

  it('leaves optional fields alone when the update omits them', () => {
    const task = makeTask({
      priority: 'high',
      error: { code: 'Boom', message: 'first try failed' },
      result: { rows: 3 },
      runAt: '2026-01-30T09:59:00.000Z',
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: '2026-01-30T10:04:00.000Z',
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/api/v1/tasks/x/result',
    });
    const merged = mergeTaskUpdate(task, makeUpdate());
    expect(merged.priority).toBe('high');
    expect(merged.error).toEqual({ code: 'Boom', message: 'first try failed' });
    expect(merged.result).toEqual({ rows: 3 });
    expect(merged.runAt).toBe('2026-01-30T09:59:00.000Z');
    expect(merged.retryAt).toBe('2026-01-30T10:00:30.000Z');
    expect(merged.cancelRequestedAt).toBe('2026-01-30T10:04:00.000Z');
    expect(merged.startedAt).toBe('2026-01-30T10:00:01.000Z');
    expect(merged.finishedAt).toBe('2026-01-30T10:05:00.000Z');
    expect(merged.resultUrl).toBe('/api/v1/tasks/x/result');
  });

  it('leaves optional fields alone when the update sets them to undefined explicitly', () => {
    const task = makeTask({
      priority: 'urgent',
      error: { code: 'Boom', message: 'x' },
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: '2026-01-30T10:04:00.000Z',
      resultUrl: '/r',
    });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        priority: undefined,
        error: undefined,
        runAt: undefined,
        retryAt: undefined,
        cancelRequestedAt: undefined,
        resultUrl: undefined,
        startedAt: undefined,
      }),
    );
    expect(merged.priority).toBe('urgent');
    expect(merged.error).toEqual({ code: 'Boom', message: 'x' });
    expect(merged.runAt).toBe(task.runAt);
    expect(merged.retryAt).toBe('2026-01-30T10:00:30.000Z');
    expect(merged.cancelRequestedAt).toBe('2026-01-30T10:04:00.000Z');
    expect(merged.resultUrl).toBe('/r');
    expect(merged.startedAt).toBe(task.startedAt);
  });

  it('overwrites optional fields when the update defines them, null included', () => {
    const task = makeTask({
      priority: 'low',
      error: { code: 'Boom', message: 'first try failed' },
      result: { old: true },
      runAt: '2026-01-30T09:59:00.000Z',
      retryAt: '2026-01-30T10:00:30.000Z',
      cancelRequestedAt: null,
      startedAt: '2026-01-30T10:00:01.000Z',
      finishedAt: '2026-01-30T10:05:00.000Z',
      resultUrl: '/old',
    });
    const merged = mergeTaskUpdate(
      task,
      makeUpdate({
        revision: 3,
        seq: 0,
        status: 'succeeded',
        progress: 100,
        priority: 'urgent',
        error: null,
        result: { rows: 12 },
        runAt: null,
        retryAt: null,
        cancelRequestedAt: '2026-01-30T11:00:05.000Z',
        startedAt: '2026-01-30T11:00:00.000Z',
        finishedAt: null,
        resultUrl: '/api/v1/tasks/abc/result',
      }),
    );
    expect(merged.priority).toBe('urgent');
    expect(merged.error).toBeNull();
    expect(merged.result).toEqual({ rows: 12 });
    expect(merged.runAt).toBeNull();
    expect(merged.retryAt).toBeNull();
    expect(merged.cancelRequestedAt).toBe('2026-01-30T11:00:05.000Z');
    expect(merged.startedAt).toBe('2026-01-30T11:00:00.000Z');
    expect(merged.finishedAt).toBeNull();
    expect(merged.resultUrl).toBe('/api/v1/tasks/abc/result');
    expect(merged.status).toBe('succeeded');
    expect(merged.progress).toBe(100);
  });

  it('treats a defined falsy result (0, false, empty string) as a value, not as absent', () => {
    const task = makeTask({ result: { rows: 1 } });
    expect(mergeTaskUpdate(task, makeUpdate({ result: 0 })).result).toBe(0);
    expect(mergeTaskUpdate(task, makeUpdate({ result: false })).result).toBe(false);
    expect(mergeTaskUpdate(task, makeUpdate({ result: '' })).result).toBe('');
  });
});
