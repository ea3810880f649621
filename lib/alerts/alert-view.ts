import { z } from 'zod';
import { isoTimeSchema } from '@/lib/tasks/task-view';
import { ALERT_KINDS } from './alert-spec';

// Alert rules and their state outside the server: REST bodies (GET /api/v1/alerts), React props
// and the admin overview's snapshot (pushed over Socket.IO). Plain JSON only; safe to import
// from the browser. Schemas, so the OpenAPI document describes exactly what the code returns:
// the types below are inferred from them.

export const alertChannelsSchema = z
  .object({ email: z.boolean(), webhook: z.boolean() })
  .meta({ id: 'AlertChannels' });
export type AlertChannels = z.infer<typeof alertChannelsSchema>;

export const firingStateSchema = z
  .object({
    incidentId: z.string().meta({ format: 'uuid' }),
    since: isoTimeSchema,
    lastValue: z
      .number()
      .nullable()
      .meta({ description: "The figure at the last evaluation, in the rule's unit." }),
    lastNotifiedAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'FiringState' });
export type FiringState = z.infer<typeof firingStateSchema>;

export const alertRuleViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    name: z.string(),
    kind: z.enum(ALERT_KINDS),
    taskType: z.string().nullable().meta({ description: 'failure_rate: the task type watched.' }),
    queue: z
      .string()
      .nullable()
      .meta({ description: 'oldest_waiting, no_worker: the queue watched.' }),
    windowMinutes: z.number().int().nullable(),
    threshold: z.number().nullable().meta({
      description: 'Percent (failure_rate), seconds (oldest_waiting); null for no_worker.',
    }),
    minTasks: z.number().int().nullable(),
    channels: alertChannelsSchema,
    cooldownMinutes: z.number().int(),
    enabled: z.boolean(),
    createdBy: z.string().nullable().meta({ description: "The creator's email." }),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    description: z.string().meta({
      description: '"Failure rate of report.generate over 15 min ≥ 20 % (at least 5 tasks)".',
    }),
    firing: firingStateSchema
      .nullable()
      .meta({ description: 'The open incident, while the rule fires.' }),
  })
  .meta({ id: 'AlertRule' });
export type AlertRuleView = z.infer<typeof alertRuleViewSchema>;

/** A firing alert on the admin overview. */
export const firingAlertViewSchema = firingStateSchema.extend({
  ruleId: z.string().meta({ format: 'uuid' }),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  description: z.string(),
  /** "42 %", "3 min 20 s", "no live worker". */
  valueText: z.string(),
});
export type FiringAlertView = z.infer<typeof firingAlertViewSchema>;
