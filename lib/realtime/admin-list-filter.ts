import type { TaskUpdate } from './events';
import { readCreatedBound } from '@/lib/tasks/task-inputs';
import type { TaskView } from '@/lib/tasks/task-view';

// Whether a task announced over the socket belongs to a filtered admin list, as far as the
// browser can tell without asking the server. The list then re-reads its page only when an
// event may change it (components/admin/tasks/use-live-admin-tasks.ts).

/** The list's filters as its URL holds them (components/admin/tasks/task-list-params.ts). */
export interface LiveListFilter {
  status?: string;
  type?: string;
  owner?: string;
  queue?: string;
  from?: string;
  to?: string;
  finishedFrom?: string;
  finishedTo?: string;
  q?: string;
}

export type Match = 'yes' | 'no' | 'maybe';

function statusesOf(filter: LiveListFilter): string[] | null {
  return filter.status ? filter.status.split(',') : null;
}

function within(time: string | null, from?: string, to?: string): boolean {
  if (from === undefined && to === undefined) return true;
  if (time === null) return false;
  const at = Date.parse(time);
  if (from !== undefined && at < readCreatedBound(from).getTime()) return false;
  if (to !== undefined && at >= readCreatedBound(to).getTime()) return false;
  return true;
}

/**
 * Does this task pass the filter? 'maybe' where only the server can say: an owner given by
 * email, a payload search.
 */
export function matchTask(filter: LiveListFilter, task: TaskView): Match {
  const statuses = statusesOf(filter);
  if (statuses && !statuses.includes(task.status)) return 'no';
  if (filter.type !== undefined && task.type !== filter.type) return 'no';
  if (filter.queue !== undefined && task.queue !== filter.queue) return 'no';
  if (!within(task.createdAt, filter.from, filter.to)) return 'no';
  if (!within(task.finishedAt, filter.finishedFrom, filter.finishedTo)) return 'no';
  let match: Match = 'yes';
  if (filter.owner !== undefined) {
    if (filter.owner.includes('@')) match = 'maybe';
    else if (task.ownerId !== filter.owner.trim()) return 'no';
  }
  if (filter.q !== undefined) {
    const q = filter.q.trim().toLowerCase();
    if (/^[0-9a-f-]{36}$/.test(q)) return task.id === q ? match : 'no';
    match = 'maybe';
  }
  return match;
}

/** A status change (progress reports count `seq` up from 1; a status change resets it to 0). */
export function isStatusChange(update: TaskUpdate): boolean {
  return update.seq === 0;
}

/**
 * Could this change bring a task the list does not show into it? Only a status change can,
 * and only when the list filters by what it changes: the status, or when the task finished.
 * Every other filter (type, queue, owner, created time, payload) is fixed for a task's life.
 */
export function mayEnterList(filter: LiveListFilter, update: TaskUpdate): boolean {
  if (!isStatusChange(update)) return false;
  const statuses = statusesOf(filter);
  if (statuses) return statuses.includes(update.status);
  return filter.finishedFrom !== undefined || filter.finishedTo !== undefined;
}
