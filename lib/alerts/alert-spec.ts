import { z } from 'zod';

// What an admin enters for an alert rule, checked the same way in the browser and on the
// server. Whether the task type or queue exists is checked by the service (it knows them).

export const ALERT_KINDS = ['failure_rate', 'oldest_waiting', 'no_worker'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  failure_rate: 'Failure rate of a task type',
  oldest_waiting: 'Oldest waiting job of a queue',
  no_worker: 'No live worker for a queue',
};

const count = (what: string, min: number, max: number) =>
  z
    .number({ message: `Enter ${what}` })
    .int(`${what[0]?.toUpperCase()}${what.slice(1)} must be a whole number`)
    .min(min, `At least ${min}`)
    .max(max, `At most ${max.toLocaleString('en')}`);

const channelsSchema = z
  .object({ email: z.boolean().default(true), webhook: z.boolean().default(false) })
  .strict();

const common = {
  name: z.string().trim().min(1, 'Name the rule').max(100),
  enabled: z.boolean().default(true),
  channels: channelsSchema.default({ email: true, webhook: false }),
  /** A week at most: a reminder rarer than that is no reminder. */
  cooldownMinutes: count('the cool-down in minutes', 1, 7 * 24 * 60).default(30),
};

const name = z.string().trim().min(1).max(100);

export const alertRuleInputSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('failure_rate'),
        taskType: name,
        windowMinutes: count('the window in minutes', 1, 24 * 60),
        thresholdPercent: z
          .number({ message: 'Enter the failure rate in percent' })
          .gt(0, 'More than 0 %')
          .max(100, 'At most 100 %'),
        minTasks: count('the fewest finished tasks', 1, 1_000_000).default(5),
        ...common,
      })
      .strict(),
    z
      .object({
        kind: z.literal('oldest_waiting'),
        queue: name,
        thresholdSeconds: count('the seconds', 1, 7 * 86_400),
        ...common,
      })
      .strict(),
    z.object({ kind: z.literal('no_worker'), queue: name, ...common }).strict(),
  ],
  { error: 'Choose what the rule watches' },
);

export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;
export type ParsedAlertRuleInput = z.output<typeof alertRuleInputSchema>;
