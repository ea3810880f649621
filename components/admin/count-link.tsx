import Link from 'next/link';
import type { CountFilter } from '@/lib/admin/count-filters';
import { taskListHref } from './tasks/task-list-params';

/** The All tasks list behind a count, filtered to exactly the tasks it counts. */
export function countHref(filter: CountFilter): string {
  return taskListHref({ ...filter });
}

/**
 * A count that opens the tasks it counts. `label` names the count for screen readers, since
 * the link's text is only the number.
 */
export function CountLink({
  count,
  filter,
  label,
  testId,
  className = '',
}: {
  count: number;
  filter: CountFilter;
  label: string;
  testId?: string;
  className?: string;
}) {
  return (
    <Link
      href={countHref(filter)}
      data-testid={testId}
      data-count={count}
      aria-label={`${count} ${label}: list them`}
      className={`tabular-nums underline decoration-slate-300 underline-offset-2 hover:text-blue-800 hover:decoration-blue-700 ${className}`}
    >
      {count}
    </Link>
  );
}
