import { Prisma } from '@/lib/generated/prisma/client';
import type { TaskView } from '@/lib/tasks/task-view';
import { toTaskView, type TaskViewSource } from './task-mapper';

// A list page's rows, read straight from the pg driver: only the columns a task's view shows,
// named as the view names them, so no Prisma result mapping and no second read by id.

/** A row of the page statement; `ownerEmail` only when the admin list asks for it. */
export type TaskListRow = TaskViewSource & { ownerEmail?: string | null };

const COLUMNS: ReadonlyArray<readonly [string, keyof TaskViewSource]> = [
  ['id', 'id'],
  ['type', 'type'],
  ['queue', 'queue'],
  ['status', 'status'],
  ['priority', 'priority'],
  ['progress', 'progress'],
  ['progress_message', 'progressMessage'],
  ['payload', 'payload'],
  ['result', 'result'],
  ['error', 'error'],
  ['attempts', 'attempts'],
  ['max_attempts', 'maxAttempts'],
  ['revision', 'revision'],
  ['seq', 'seq'],
  ['owner_id', 'ownerId'],
  ['created_at', 'createdAt'],
  ['run_at', 'runAt'],
  ['retry_at', 'retryAt'],
  ['cancel_requested_at', 'cancelRequestedAt'],
  ['started_at', 'startedAt'],
  ['finished_at', 'finishedAt'],
  ['schedule_id', 'scheduleId'],
  ['schedule_trigger', 'scheduleTrigger'],
  ['parent_task_id', 'parentTaskId'],
];

/** `table.column AS "view name"`, …: each row arrives already shaped as TaskViewSource. */
export function taskViewColumns(table: string): Prisma.Sql {
  return Prisma.raw(
    COLUMNS.map(([column, field]) => `${table}.${column} AS "${field}"`).join(', '),
  );
}

/** The columns by their view names, for a query over a subquery of taskViewColumns. */
export function taskViewFields(table: string): Prisma.Sql {
  return Prisma.raw(COLUMNS.map(([, field]) => `${table}."${field}"`).join(', '));
}

export function toTaskViews(rows: readonly TaskListRow[]): TaskView[] {
  return rows.map((row) => toTaskView(row));
}
