import { z } from 'zod';
import { accountActionHandlers } from './account-actions';
import { scheduleActionHandlers } from './schedule-actions';
import { formObject, parseActionInput as parse } from './parse-action-input';
import { runTaskActionHandlers } from './run-task-actions';
import { createApiKey, revokeApiKey } from '@/server/auth/api-keys';
import { requireUser, type Principal } from '@/server/auth/principal';
import { roleSchema, setUserRole } from '@/server/auth/user-service';
import type { AuditContext } from '@/server/audit/audit-service';
import { setCompletionEmails } from '@/server/email/preferences';
import { setQueuePaused } from '@/server/queues/queue-service';
import { cancelTask, retryTask, runBulkTaskAction } from '@/server/tasks/task-control';
import { listTaskTransitions } from '@/server/tasks/task-service';
import { bulkTaskActionSchema, REPORT_FORMATS, REPORT_KINDS } from '@/lib/tasks/task-inputs';
import { TASK_PRIORITIES } from '@/lib/tasks/task-view';
import { createTask } from '@/server/tasks/task-submission';
import { listTasks } from '@/server/tasks/task-service';
import { reportGenerate } from '@/server/tasks/types/report-generate';

// Every server action's logic, by name: parse, then call one service. The 'use server' files in
// app/ only resolve the caller and dispatch here, so the authorization matrix test can run
// each action as any principal. Areas with several actions keep them in their own file
// (server/actions/*-actions.ts), spread in below.

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

const createKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key').max(100),
  expiresInDays: z
    .union([z.literal(''), z.coerce.number().int().min(1).max(3650)])
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
});

const idSchema = z.object({ id: z.string().min(1).max(64) });
const queuePauseSchema = z.object({ name: z.string().min(1).max(100), paused: z.boolean() });
const roleChangeSchema = z.object({ userId: z.string().min(1).max(64), role: roleSchema });
const completionEmailsSchema = z.object({ enabled: z.boolean() });

const coreActionHandlers = {
  async requestReport(principal: Principal, _context: AuditContext, formData: unknown) {
    requireUser(principal);
    const { kind, format, from, to, priority, submissionId } = parse(
      reportFormSchema,
      formObject(formData),
    );
    return createTask(
      principal,
      {
        type: reportGenerate.name,
        payload: { kind, format, from: from || undefined, to: to || undefined },
        priority,
      },
      { idempotencyKey: submissionId ? `form:${submissionId}` : undefined },
    );
  },

  async cancelTask(principal: Principal, context: AuditContext, id: unknown) {
    return cancelTask(principal, parse(idSchema, { id }).id, context);
  },

  async retryTask(principal: Principal, context: AuditContext, id: unknown) {
    return retryTask(principal, parse(idSchema, { id }).id, context);
  },

  async runBulkTaskAction(
    principal: Principal,
    context: AuditContext,
    action: unknown,
    ids: unknown,
  ) {
    return runBulkTaskAction(principal, parse(bulkTaskActionSchema, { action, ids }), context);
  },

  async loadTaskHistory(principal: Principal, _context: AuditContext, id: unknown) {
    return listTaskTransitions(principal, parse(idSchema, { id }).id);
  },

  async setQueuePaused(
    principal: Principal,
    context: AuditContext,
    name: unknown,
    paused: unknown,
  ) {
    const input = parse(queuePauseSchema, { name, paused });
    return setQueuePaused(principal, input.name, input.paused, context);
  },

  async loadMoreTasks(
    principal: Principal,
    _context: AuditContext,
    cursor: unknown,
    limit: unknown,
  ) {
    requireUser(principal);
    return listTasks(principal, parse(pageSchema, { cursor, limit }));
  },

  async createApiKey(principal: Principal, context: AuditContext, formData: unknown) {
    const user = requireUser(principal);
    return createApiKey(user, parse(createKeySchema, formObject(formData)), context);
  },

  async revokeApiKey(principal: Principal, context: AuditContext, id: unknown) {
    const user = requireUser(principal);
    return revokeApiKey(user, parse(idSchema, { id }).id, context);
  },

  async setUserRole(principal: Principal, context: AuditContext, userId: unknown, role: unknown) {
    const input = parse(roleChangeSchema, { userId, role });
    await setUserRole(principal, input.userId, input.role, context);
    return { userId: input.userId, role: input.role };
  },

  async setCompletionEmails(principal: Principal, _context: AuditContext, enabled: unknown) {
    requireUser(principal);
    return setCompletionEmails(principal, parse(completionEmailsSchema, { enabled }).enabled);
  },
};

export const actionHandlers = {
  ...coreActionHandlers,
  ...runTaskActionHandlers,
  ...scheduleActionHandlers,
  ...accountActionHandlers,
};

export type ActionName = keyof typeof actionHandlers;
