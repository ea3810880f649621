import { describe, expect, it } from 'vitest';
import { alertRuleInputSchema } from '@/lib/alerts/alert-spec';
import { describeRule, formatAlertValue, formatSeconds } from '@/lib/alerts/alert-text';

// The rule form's schema (browser and server) and how rules and their figures read.

describe('alertRuleInputSchema', () => {
  it('fills the defaults: email on, webhook off, 30 min cool-down, enabled, 5 tasks', () => {
    const parsed = alertRuleInputSchema.parse({
      name: ' Reports failing ',
      kind: 'failure_rate',
      taskType: 'report.generate',
      windowMinutes: 15,
      thresholdPercent: 20,
    });
    expect(parsed).toEqual({
      name: 'Reports failing',
      kind: 'failure_rate',
      taskType: 'report.generate',
      windowMinutes: 15,
      thresholdPercent: 20,
      minTasks: 5,
      enabled: true,
      channels: { email: true, webhook: false },
      cooldownMinutes: 30,
    });
  });

  it('names the fields that are wrong or missing', () => {
    const result = alertRuleInputSchema.safeParse({
      name: '',
      kind: 'oldest_waiting',
      queue: 'reports',
      thresholdSeconds: 1.5,
      cooldownMinutes: 0,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'thresholdSeconds', 'cooldownMinutes']));
  });

  it('refuses fields of another kind and an unknown kind', () => {
    expect(
      alertRuleInputSchema.safeParse({ name: 'x', kind: 'no_worker', queue: 'q', threshold: 3 })
        .success,
    ).toBe(false);
    const unknown = alertRuleInputSchema.safeParse({ name: 'x', kind: 'disk_full' });
    expect(unknown.error?.issues[0]?.path).toEqual(['kind']);
  });

  it('keeps a failure rate within (0, 100] %', () => {
    const base = { name: 'x', kind: 'failure_rate', taskType: 't', windowMinutes: 5 };
    expect(alertRuleInputSchema.safeParse({ ...base, thresholdPercent: 0 }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ ...base, thresholdPercent: 101 }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ ...base, thresholdPercent: 12.5 }).success).toBe(true);
  });
});

describe('alert text', () => {
  it('reads seconds as people do', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(120)).toBe('2 min');
    expect(formatSeconds(125.4)).toBe('2 min 5 s');
    expect(formatSeconds(3_780)).toBe('1 h 3 min');
  });

  it('describes each kind and its figure', () => {
    const facts = {
      taskType: null,
      queue: null,
      windowMinutes: null,
      threshold: null,
      minTasks: null,
    };
    expect(
      describeRule({
        ...facts,
        kind: 'failure_rate',
        taskType: 'report.generate',
        windowMinutes: 15,
        threshold: 20,
        minTasks: 5,
      }),
    ).toBe('Failure rate of report.generate over 15 min ≥ 20 % (at least 5 finished)');
    expect(
      describeRule({ ...facts, kind: 'oldest_waiting', queue: 'reports', threshold: 300 }),
    ).toBe('A job has waited ≥ 5 min in queue reports');
    expect(describeRule({ ...facts, kind: 'no_worker', queue: 'files' })).toBe(
      'No live worker serves queue files',
    );
    expect(formatAlertValue('failure_rate', 66.6666)).toBe('66.7 %');
    expect(formatAlertValue('oldest_waiting', 61)).toBe('1 min 1 s');
    expect(formatAlertValue('no_worker', 0)).toBe('no live worker');
    expect(formatAlertValue('no_worker', null)).toBe('—');
  });
});
