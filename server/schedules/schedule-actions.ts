'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { listScheduleRuns, runScheduleNow as runNow } from './schedule-runs';
import {
  createSchedule as create,
  deleteSchedule as remove,
  setScheduleEnabled as setEnabled,
  updateSchedule as update,
} from './schedule-service';

// The schedule pages' actions. The schedule itself is checked whole by the service.

const scheduleId = z.uuid('No such schedule.');
const idSchema = z.object({ id: scheduleId });
const inputSchema = z.record(z.string(), z.unknown());
const SCHEDULES_PAGE = '/admin/schedules';

export const createSchedule = defineAction({
  name: 'createSchedule',
  args: 'value',
  input: inputSchema,
  revalidate: SCHEDULES_PAGE,
  run: (principal, context, input) => create(principal, input, context),
});

export const updateSchedule = defineAction({
  name: 'updateSchedule',
  args: ['id', 'input'],
  input: z.object({ id: scheduleId, input: inputSchema }),
  revalidate: SCHEDULES_PAGE,
  run: (principal, context, { id, input }) => update(principal, id, input, context),
});

export const setScheduleEnabled = defineAction({
  name: 'setScheduleEnabled',
  args: ['id', 'enabled'],
  input: z.object({ id: scheduleId, enabled: z.boolean() }),
  run: (principal, context, { id, enabled }) => setEnabled(principal, id, enabled, context),
});

export const deleteSchedule = defineAction({
  name: 'deleteSchedule',
  args: ['id'],
  input: idSchema,
  revalidate: SCHEDULES_PAGE,
  run: async (principal, context, { id }) => {
    await remove(principal, id, context);
    return { deleted: true };
  },
});

export const runScheduleNow = defineAction({
  name: 'runScheduleNow',
  args: ['id'],
  input: idSchema,
  run: (principal, context, { id }) => runNow(principal, id, context),
});

export const loadScheduleRuns = defineAction({
  name: 'loadScheduleRuns',
  args: ['id', 'cursor'],
  input: z.object({ id: scheduleId, cursor: z.string().min(1).max(200) }),
  run: (principal, _context, { id, cursor }) =>
    listScheduleRuns(principal, id, { cursor, limit: 25 }),
});
