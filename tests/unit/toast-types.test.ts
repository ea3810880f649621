import { describe, expect, it } from 'vitest';
import { defaultToast, taskIdOf } from '@/components/toast/toast-types';

describe('the toast an action answer gets by default', () => {
  it('links to the task the answer is, or names', () => {
    const task = { id: 't-1', type: 'report.generate', status: 'queued', label: 'Report' };
    expect(defaultToast(task, 'Report queued')).toEqual({
      message: 'Report queued',
      href: '/tasks/t-1',
    });
    expect(taskIdOf({ taskId: 't-2', replayed: true })).toBe('t-2');
  });

  it('links nowhere when the answer is no task', () => {
    // A schedule or webhook has an id but is not a task: no link to a task page that 404s.
    expect(defaultToast({ id: 's-1', name: 'Nightly', enabled: true })).toEqual({
      message: 'Done',
    });
    expect(defaultToast(null)).toEqual({ message: 'Done' });
    expect(defaultToast({ revoked: 3 }, 'API keys revoked')).toEqual({
      message: 'API keys revoked',
    });
  });
});
