'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import {
  createAlertRule as create,
  deleteAlertRule as remove,
  setAlertRuleEnabled as setEnabled,
  updateAlertRule as update,
} from './alert-rule-service';

// The alert rules page's actions; admins only (the service checks). The rule itself is
// checked whole by the service, so its field errors name the form's fields.

const ruleId = z.uuid('No such alert rule.');
const inputSchema = z.record(z.string(), z.unknown());
const ALERTS_PAGE = '/admin/alerts';

export const createAlertRule = defineAction({
  name: 'createAlertRule',
  args: 'value',
  input: inputSchema,
  revalidate: ALERTS_PAGE,
  run: (principal, context, input) => create(principal, input, context),
});

export const updateAlertRule = defineAction({
  name: 'updateAlertRule',
  args: ['id', 'input'],
  input: z.object({ id: ruleId, input: inputSchema }),
  revalidate: ALERTS_PAGE,
  run: (principal, context, { id, input }) => update(principal, id, input, context),
});

export const setAlertRuleEnabled = defineAction({
  name: 'setAlertRuleEnabled',
  args: ['id', 'enabled'],
  input: z.object({ id: ruleId, enabled: z.boolean() }),
  revalidate: ALERTS_PAGE,
  run: (principal, context, { id, enabled }) => setEnabled(principal, id, enabled, context),
});

export const deleteAlertRule = defineAction({
  name: 'deleteAlertRule',
  args: ['id'],
  input: z.object({ id: ruleId }),
  revalidate: ALERTS_PAGE,
  run: async (principal, context, { id }) => {
    await remove(principal, id, context);
    return { deleted: true };
  },
});
