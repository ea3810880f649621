import type { AlertKind, ParsedAlertRuleInput } from '@/lib/alerts/alert-spec';
import { describeRule, formatAlertValue } from '@/lib/alerts/alert-text';
import type { AlertRuleView, FiringAlertView, FiringState } from '@/lib/alerts/alert-view';
import type { AlertIncident, AlertRule } from '@/lib/generated/prisma/client';

// Rows to views and parsed input to columns: one place knows which column holds what per kind.

export function toRuleColumns(input: ParsedAlertRuleInput) {
  return {
    name: input.name,
    kind: input.kind,
    taskType: input.kind === 'failure_rate' ? input.taskType : null,
    queue: input.kind === 'failure_rate' ? null : input.queue,
    windowMinutes: input.kind === 'failure_rate' ? input.windowMinutes : null,
    threshold:
      input.kind === 'failure_rate'
        ? input.thresholdPercent
        : input.kind === 'oldest_waiting'
          ? input.thresholdSeconds
          : null,
    minTasks: input.kind === 'failure_rate' ? input.minTasks : null,
    notifyEmail: input.channels.email,
    notifyWebhook: input.channels.webhook,
    cooldownMinutes: input.cooldownMinutes,
    enabled: input.enabled,
  };
}

export function describeRuleRow(rule: AlertRule): string {
  return describeRule({ ...rule, kind: rule.kind as AlertKind });
}

function toFiringState(incident: AlertIncident): FiringState {
  return {
    incidentId: incident.id,
    since: incident.startedAt.toISOString(),
    lastValue: incident.lastValue,
    lastNotifiedAt: incident.lastNotifiedAt?.toISOString() ?? null,
  };
}

export function toRuleView(
  rule: AlertRule & { createdBy?: { email: string } | null },
  open: AlertIncident | null,
): AlertRuleView {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind as AlertKind,
    taskType: rule.taskType,
    queue: rule.queue,
    windowMinutes: rule.windowMinutes,
    threshold: rule.threshold,
    minTasks: rule.minTasks,
    channels: { email: rule.notifyEmail, webhook: rule.notifyWebhook },
    cooldownMinutes: rule.cooldownMinutes,
    enabled: rule.enabled,
    createdBy: rule.createdBy?.email ?? null,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
    description: describeRuleRow(rule),
    firing: open ? toFiringState(open) : null,
  };
}

export function toFiringAlertView(incident: AlertIncident & { rule: AlertRule }): FiringAlertView {
  const kind = incident.rule.kind as AlertKind;
  return {
    ...toFiringState(incident),
    ruleId: incident.rule.id,
    name: incident.rule.name,
    kind,
    description: describeRuleRow(incident.rule),
    valueText: formatAlertValue(kind, incident.lastValue),
  };
}
