import { FILTER_BULK_WORDS } from '@/lib/tasks/filter-bulk-inputs';
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
    ...FILTER_BULK_WORDS.cancel,
    explain:
      'Queued, delayed and retrying tasks stop at once; running ones are asked to stop. Finished ones are skipped.',
  },
  retry: {
    ...FILTER_BULK_WORDS.retry,
    explain:
      'Failed and cancelled tasks run again with a fresh set of attempts, their history kept. Others are skipped.',
  },
  delete: {
    ...FILTER_BULK_WORDS.delete,
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

/** "Retried 2 tasks; 1 could not be retried.": the dead letters' own wording of a retry. */
export function summarizeRetry(outcomes: readonly Outcome[]): string {
  const done = outcomes.filter((outcome) => outcome.ok).length;
  const failed = outcomes.length - done;
  return `Retried ${tasksWord(done)}${failed > 0 ? `; ${failed} could not be retried.` : '.'}`;
}

/** How a view of the task table offers its bulk actions and words them. */
export interface BulkActionsView {
  actions: readonly Action[];
  buttonText: (action: Action, count: number) => string;
  summarize: (action: Action, outcomes: readonly Outcome[]) => string;
  /** Asked next to the button rather than in a modal dialog. */
  inline?: { label: string; question: (count: number) => string; yes: string; pending: string };
}

export const BULK_ACTIONS_VIEWS = {
  all: {
    actions: ['cancel', 'retry', 'delete'],
    buttonText: (action, count) =>
      `${ACTION_TEXT[action].verb} ${count > 0 ? `${count} ` : ''}selected`,
    summarize: summarizeOutcomes,
  },
  // Dead letters are failed tasks: retrying them is the one thing to do.
  'dead-letters': {
    actions: ['retry'],
    buttonText: (_action, count) => `Retry selected${count > 0 ? ` (${count})` : ''}`,
    summarize: (_action, outcomes) => summarizeRetry(outcomes),
    inline: {
      label: 'Confirm the retry',
      question: (count) => `Retry ${tasksWord(count)}? Each gets a fresh set of attempts.`,
      yes: 'Yes, retry',
      pending: 'Retrying…',
    },
  },
} satisfies Record<string, BulkActionsView>;
