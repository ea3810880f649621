'use client';

import type { TaskView } from '@/lib/tasks/task-view';
import { formatRunDuration } from '@/lib/time/format-time';
import { useNow } from '../use-now';

/** A task's run time in the one format; a running task's counts up, on the shared clock. */
export function RunDuration({ task }: { task: Pick<TaskView, 'startedAt' | 'finishedAt'> }) {
  return task.finishedAt ? (
    <>{formatRunDuration(task.startedAt, task.finishedAt) ?? '—'}</>
  ) : (
    <RunningDuration startedAt={task.startedAt} />
  );
}

// Apart, so that finished rows never subscribe to the clock.
function RunningDuration({ startedAt }: { startedAt: string | null }) {
  const now = useNow();
  return <>{formatRunDuration(startedAt, null, now) ?? '—'}</>;
}
