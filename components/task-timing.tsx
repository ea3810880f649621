'use client';

import { describeTiming, type TimedTask } from '@/lib/tasks/describe-timing';
import { useNow } from './use-now';

/** Countdown or time left, ticking with the page's one clock; mount only where hasTiming. */
export function TaskTiming({ task, typicalMs }: { task: TimedTask; typicalMs: number | null }) {
  const now = useNow();
  const text = now === null ? null : describeTiming(task, now, typicalMs);
  return (
    <span data-testid="task-timing" className="text-xs tabular-nums text-slate-500">
      {text}
    </span>
  );
}
