import { createTaskInputSchema } from '@/lib/tasks/task-inputs';
import type { AuditContext } from '@/server/audit/audit-service';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { runTaskByHand } from '@/server/tasks/run-by-hand';
import { parseActionInput as parse } from './parse-action-input';

// "Run a task" (/admin/run): the form sends the task as an object (its payload is nested JSON).

export const runTaskActionHandlers = {
  async runTaskByHand(principal: Principal, context: AuditContext, input: unknown) {
    // Who may ask comes before what they asked: others learn nothing about the input's rules.
    requireAdmin(principal);
    return runTaskByHand(principal, parse(createTaskInputSchema, input), context);
  },
};
