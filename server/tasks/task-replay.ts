import type { StreamPosition } from '@/lib/realtime/event-stream';
import { TASK_STATUSES, TERMINAL_STATUSES } from '@/lib/tasks/task-view';
import type { Task, TaskTransition } from '@/lib/generated/prisma/client';
import { visibleTasksWhere, type Principal, type UserPrincipal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { findVisibleTask } from './task-service';

// What the event streams read from Postgres when they start: the snapshot, or what a
// reconnecting client missed (docs/architecture.md, "Live events over SSE").

/** The timeline entries a replay sends at most (listTaskTransitions' bound too). */
const MAX_REPLAYED_TRANSITIONS = 1_000;

/**
 * How far before a reconnect's cursor the feed replay looks: covers events still on their way
 * when the cursor was stamped and clocks of web nodes a little apart.
 */
export const FEED_REPLAY_OVERLAP_MS = 5_000;

const UNFINISHED_STATUSES = TASK_STATUSES.filter((status) => !TERMINAL_STATUSES.has(status));

export interface TaskReplay {
  task: Task;
  /** Status changes after `since` and before the task's current revision, oldest first. */
  transitions: TaskTransition[];
}

/** The task (404 unless the principal may see it) and, after `since`, the changes in between. */
export async function readTaskReplay(
  principal: Principal,
  id: string,
  since: StreamPosition | null,
): Promise<TaskReplay> {
  const task = await findVisibleTask(principal, id);
  if (!since || since.revision + 1 >= task.revision) return { task, transitions: [] };
  // Bounded by the task's revision as read: a change committed since arrives live.
  const transitions = await getPrisma().taskTransition.findMany({
    where: { taskId: task.id, revision: { gt: since.revision, lt: task.revision } },
    orderBy: { revision: 'asc' },
    take: MAX_REPLAYED_TRANSITIONS,
  });
  return { task, transitions };
}

export interface FeedReplay {
  /** Oldest change first. */
  tasks: Task[];
  /** More tasks than `limit` qualified: these are the most recently changed ones. */
  overflow: boolean;
}

/**
 * The tasks a /api/v1/events stream starts with: every unfinished task the principal may see,
 * and on a reconnect also every task created or changed in status since `sinceMs` (less the
 * overlap); at most `limit`, the most recently changed ones.
 */
export async function readFeedReplay(
  principal: UserPrincipal,
  sinceMs: number | null,
  limit: number,
): Promise<FeedReplay> {
  const visible = visibleTasksWhere(principal);
  const queries = [
    getPrisma().task.findMany({
      where: { ...visible, status: { in: UNFINISHED_STATUSES } },
      orderBy: { updatedAt: 'desc' },
      take: limit + 1,
    }),
  ];
  if (sinceMs !== null) {
    queries.push(
      getPrisma().task.findMany({
        where: { ...visible, updatedAt: { gt: new Date(sinceMs - FEED_REPLAY_OVERLAP_MS) } },
        orderBy: { updatedAt: 'desc' },
        take: limit + 1,
      }),
    );
  }
  const byId = new Map<string, Task>();
  for (const rows of await Promise.all(queries)) for (const row of rows) byId.set(row.id, row);
  const newestFirst = [...byId.values()].sort(
    (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id.localeCompare(a.id),
  );
  return { tasks: newestFirst.slice(0, limit).reverse(), overflow: newestFirst.length > limit };
}
