'use server';

import { z } from 'zod';
import {
  bulkTaskActionSchema,
  createTaskInputSchema,
  REPORT_FORMATS,
  REPORT_KINDS,
} from '@/lib/tasks/task-inputs';
import { TASK_PRIORITIES } from '@/lib/tasks/task-view';
import { defineAction } from '@/server/actions/define-action';
import { requireAdmin, requireUser } from '@/server/auth/principal';
import { filterBulkActionSchema, filterBulkPreviewSchema } from '@/lib/tasks/filter-bulk-inputs';
import { runTaskByHand as runByHand } from './run-by-hand';
import * as filterBulk from './task-filter-bulk';
import { replayTaskWithChanges as replayWithChanges } from './replay-with-changes';
import * as control from './task-control';
import { listTaskTransitions, listTasks } from './task-service';
import { createTask } from './task-submission';
import { reportGenerate } from './types/report-generate';

// The task pages' server actions: the report form, the task list's paging, the task rows'
// controls and history, the admin bulk actions and "Run a task" (/admin/run).

const reportFormSchema = z.object({
  kind: z.enum(REPORT_KINDS, { message: 'Choose a report' }).optional(),
  format: z.enum(REPORT_FORMATS, { message: 'Choose a format' }).optional(),
  from: z.string().trim().optional(),
  to: z.string().trim().optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  /** Generated when the form renders: a second submit of the same form returns the same task. */
  submissionId: z.uuid('The form is out of date; reload the page.').optional(),
});

const pageSchema = z.object({
  cursor: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(100),
});

const idSchema = z.object({ id: z.string().min(1).max(64) });

export const requestReport = defineAction({
  name: 'requestReport',
  args: 'form',
  input: reportFormSchema,
  guard: requireUser,
  run: (principal, _context, { kind, format, from, to, priority, submissionId }) =>
    createTask(
      principal,
      {
        type: reportGenerate.name,
        payload: { kind, format, from: from || undefined, to: to || undefined },
        priority,
      },
      { idempotencyKey: submissionId ? `form:${submissionId}` : undefined },
    ),
});

export const loadMoreTasks = defineAction({
  name: 'loadMoreTasks',
  args: ['cursor', 'limit'],
  input: pageSchema,
  guard: requireUser,
  run: (principal, _context, page) => listTasks(principal, page),
});

export const cancelTask = defineAction({
  name: 'cancelTask',
  args: ['id'],
  input: idSchema,
  run: (principal, context, { id }) => control.cancelTask(principal, id, context),
});

export const retryTask = defineAction({
  name: 'retryTask',
  args: ['id'],
  input: idSchema,
  run: (principal, context, { id }) => control.retryTask(principal, id, context),
});

export const runBulkTaskAction = defineAction({
  name: 'runBulkTaskAction',
  args: ['action', 'ids'],
  input: bulkTaskActionSchema,
  run: (principal, context, input) => control.runBulkTaskAction(principal, input, context),
});

/** How many tasks a list filter matches, and how many each bulk action would change. */
export const previewFilterBulkAction = defineAction({
  name: 'previewFilterBulkAction',
  args: ['filter'],
  input: filterBulkPreviewSchema,
  run: (principal, _context, { filter }) => filterBulk.previewFilterBulk(principal, filter),
});

/** Cancel, retry or delete every task a list filter matches (within the cap): a task doing it. */
export const runFilterBulkAction = defineAction({
  name: 'runFilterBulkAction',
  args: ['action', 'filter'],
  input: filterBulkActionSchema,
  run: (principal, context, input) => filterBulk.startFilterBulkAction(principal, input, context),
});

export const loadTaskHistory = defineAction({
  name: 'loadTaskHistory',
  args: ['id'],
  input: idSchema,
  run: (principal, _context, { id }) => listTaskTransitions(principal, id),
});

/** "Replay with changes": a finished task's payload, edited, as a new task linked to it. */
export const replayTaskWithChanges = defineAction({
  name: 'replayTaskWithChanges',
  args: ['id', 'payload'],
  input: z.object({ id: z.string().min(1).max(64), payload: z.unknown() }),
  run: (principal, context, input) => replayWithChanges(principal, input, context),
});

/** The task as the form built it: { type, payload, priority, delayMs | runAt }. */
export const runTaskByHand = defineAction({
  name: 'runTaskByHand',
  args: 'value',
  input: createTaskInputSchema,
  // Who may ask comes before what they asked: others learn nothing about the input's rules.
  guard: requireAdmin,
  run: (principal, context, input) => runByHand(principal, input, context),
});
