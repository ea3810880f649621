import Link from 'next/link';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import type { TaskView } from '@/lib/tasks/task-view';
import { StatusBadge } from '../status-badge';

/** The follow-ups of a task (its completion email, its events' webhook deliveries), each a link. */
export function TaskFollowUps({
  followUps,
  targets,
}: {
  followUps: TaskView[];
  /** A webhook delivery's endpoint URL, by the delivery task's id. */
  targets: Record<string, string>;
}) {
  if (followUps.length === 0) {
    return (
      <p className="text-sm text-slate-500">None yet: an email or webhook shows here once sent.</p>
    );
  }
  return (
    <ul data-testid="task-follow-ups" className="divide-y divide-slate-100 text-sm">
      {followUps.map((child) => (
        <li key={child.id} data-testid="task-follow-up" className="flex items-center gap-3 py-2">
          <Link
            href={`/tasks/${child.id}`}
            className="min-w-0 flex-1 text-blue-700 hover:underline"
          >
            {child.label}
            {child.summary ? <span className="ml-1 text-slate-600">{child.summary}</span> : null}
            {targets[child.id] ? (
              <span className="block truncate text-xs text-slate-500">to {targets[child.id]}</span>
            ) : null}
          </Link>
          <span className="font-mono text-xs text-slate-500">{shortTaskId(child.id)}</span>
          <StatusBadge status={child.status} />
        </li>
      ))}
    </ul>
  );
}

/** On a follow-up's page: the task it reports on. */
export function ParentTaskLink({ parentTaskId }: { parentTaskId: string }) {
  return (
    <p className="mt-1 text-sm">
      <Link
        href={`/tasks/${parentTaskId}`}
        data-testid="parent-task-link"
        className="text-blue-700 hover:underline"
      >
        About task {shortTaskId(parentTaskId)}
      </Link>
    </p>
  );
}
