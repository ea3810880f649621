import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import type { AuditContext } from '@/server/audit/audit-service';
import { listScheduleRuns, runScheduleNow } from '@/server/schedules/schedule-runs';
import {
  createSchedule,
  deleteSchedule,
  setScheduleEnabled,
  updateSchedule,
} from '@/server/schedules/schedule-service';
import { parseActionInput as parse } from './parse-action-input';

// The schedule pages' actions. The schedule itself is checked whole by the service.

const idSchema = z.object({ id: z.uuid('No such schedule.') });
const enabledSchema = z.object({ id: z.uuid('No such schedule.'), enabled: z.boolean() });
const runsPageSchema = z.object({
  id: z.uuid('No such schedule.'),
  cursor: z.string().min(1).max(200),
});
const inputSchema = z.record(z.string(), z.unknown());

export const scheduleActionHandlers = {
  async createSchedule(principal: Principal, context: AuditContext, input: unknown) {
    return createSchedule(principal, parse(inputSchema, input), context);
  },

  async updateSchedule(principal: Principal, context: AuditContext, id: unknown, input: unknown) {
    const { id: scheduleId } = parse(idSchema, { id });
    return updateSchedule(principal, scheduleId, parse(inputSchema, input), context);
  },

  async setScheduleEnabled(
    principal: Principal,
    context: AuditContext,
    id: unknown,
    enabled: unknown,
  ) {
    const input = parse(enabledSchema, { id, enabled });
    return setScheduleEnabled(principal, input.id, input.enabled, context);
  },

  async deleteSchedule(principal: Principal, context: AuditContext, id: unknown) {
    await deleteSchedule(principal, parse(idSchema, { id }).id, context);
    return { deleted: true };
  },

  async runScheduleNow(principal: Principal, context: AuditContext, id: unknown) {
    return runScheduleNow(principal, parse(idSchema, { id }).id, context);
  },

  async loadScheduleRuns(
    principal: Principal,
    _context: AuditContext,
    id: unknown,
    cursor: unknown,
  ) {
    const input = parse(runsPageSchema, { id, cursor });
    return listScheduleRuns(principal, input.id, { cursor: input.cursor, limit: 25 });
  },
};
