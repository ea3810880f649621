'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef } from 'react';
import { filterBulkResultSchema, type FilterBulkResult } from '@/lib/tasks/filter-bulk-inputs';
import { isTerminalStatus, type TaskView } from '@/lib/tasks/task-view';
import { ProgressBar } from '../../progress-bar';
import { StatusBadge } from '../../status-badge';
import { useLiveTasks } from '../../use-live-tasks';
import { ACTION_TEXT } from './bulk-summary';

/** "240 retried, 3 skipped: now running". */
function describeFilterBulkResult(result: FilterBulkResult): string {
  const skipped = result.reasons.map(({ reason, count }) => `${count} skipped: ${reason}`);
  return [`${result.succeeded} ${ACTION_TEXT[result.action].done}`, ...skipped].join(', ');
}

/**
 * The `tasks.bulk` task an action over a filter started, kept live: its progress while it runs,
 * what it did once it ends. `onFinished` runs once, when it reaches a final status.
 */
export function FilterBulkProgress({
  task: started,
  onFinished,
}: {
  task: TaskView;
  onFinished: () => void;
}) {
  const accept = useCallback((task: TaskView) => task.id === started.id, [started.id]);
  const { tasks } = useLiveTasks([started], accept);
  const task = tasks[0] ?? started;
  const finished = isTerminalStatus(task.status);
  const told = useRef(false);
  useEffect(() => {
    if (!finished || told.current) return;
    told.current = true;
    onFinished();
  }, [finished, onFinished]);
  const result = filterBulkResultSchema.safeParse(task.result);

  return (
    <div data-testid="filter-bulk-task" data-status={task.status} className="mt-2 space-y-1">
      <p
        role="status"
        data-testid="filter-bulk-summary"
        className="flex flex-wrap items-center gap-2"
      >
        <StatusBadge status={task.status} />
        <span className="font-medium">
          {result.success
            ? describeFilterBulkResult(result.data)
            : task.error
              ? task.error.message
              : (task.progressMessage ?? 'Waiting for a worker…')}
        </span>
        <Link href={`/tasks/${task.id}`} className="text-blue-700 underline">
          View the bulk task
        </Link>
      </p>
      {finished ? null : (
        <ProgressBar value={task.progress} status={task.status} label="Bulk action progress" />
      )}
    </div>
  );
}
