import type { BulkTaskAction } from '@/lib/tasks/task-inputs';

// What the bulk actions say: the question before, and the outcome after.

export type Action = BulkTaskAction['action'];

export interface Outcome {
  id: string;
  ok: boolean;
  error?: string;
}

export const ACTION_TEXT: Record<Action, { verb: string; done: string; explain: string }> = {
  cancel: {
    verb: 'Cancel',
    done: 'cancelled',
    explain:
      'Queued, delayed and retrying tasks stop at once; running ones are asked to stop. Finished ones are skipped.',
  },
  retry: {
    verb: 'Retry',
    done: 'retried',
    explain:
      'Failed and cancelled tasks run again with a fresh set of attempts, their history kept. Others are skipped.',
  },
  delete: {
    verb: 'Delete',
    done: 'deleted',
    explain:
      'Finished tasks are deleted with their files, logs and history; this cannot be undone. Unfinished ones are skipped.',
  },
};

export const tasksWord = (count: number) => `${count} task${count === 1 ? '' : 's'}`;

/** "3 deleted, 1 skipped: still running": the outcome, with each reason for a skip once. */
export function summarizeOutcomes(action: Action, outcomes: readonly Outcome[]): string {
  const done = outcomes.filter((outcome) => outcome.ok).length;
  const reasons = new Map<string, number>();
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    const reason = outcome.error ?? 'not done';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const skipped = [...reasons].map(([reason, count]) => `${count} skipped: ${reason}`);
  return [`${done} ${ACTION_TEXT[action].done}`, ...skipped].join(', ');
}
