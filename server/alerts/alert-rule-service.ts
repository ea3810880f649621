import { z } from 'zod';
import { alertRuleInputSchema, type ParsedAlertRuleInput } from '@/lib/alerts/alert-spec';
import type { AlertRuleView, FiringAlertView } from '@/lib/alerts/alert-view';
import { ConflictError, NotFoundError, ValidationError, toFieldErrors } from '@/lib/errors';
import type { AlertRule } from '@/lib/generated/prisma/client';
import { uuid7 } from '@/lib/uuid7';
import { recordAudit, type AuditContext } from '@/server/audit/audit-service';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';
import { findQueueConfig } from '@/server/queues/queue-config';
import { findTaskType } from '@/server/tasks/registry';
import { isUniqueViolation } from '@/server/tasks/task-insert';
import { toFiringAlertView, toRuleColumns, toRuleView } from './alert-rule-mapper';

// Admins' alert rules: made, changed and removed here; evaluated by alert-evaluation.ts.

const OPEN = { resolvedAt: null } as const;

/** The schema's checks, then the ones only the server can make: the type or queue exists. */
function parseRuleInput(input: unknown): ParsedAlertRuleInput {
  const parsed = alertRuleInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('The alert rule is not valid.', toFieldErrors(parsed.error.issues));
  }
  const rule = parsed.data;
  if (rule.kind === 'failure_rate' && !findTaskType(rule.taskType)) {
    throw new ValidationError('The alert rule is not valid.', [
      { path: 'taskType', message: `No task type is named ${rule.taskType}.` },
    ]);
  }
  if (rule.kind !== 'failure_rate' && !findQueueConfig(rule.queue)) {
    throw new ValidationError('The alert rule is not valid.', [
      { path: 'queue', message: `No queue is named ${rule.queue}.` },
    ]);
  }
  return rule;
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`An alert rule named "${name}" already exists.`);
}

async function findRule(id: string): Promise<AlertRule> {
  if (!z.uuid().safeParse(id).success) throw new NotFoundError('No such alert rule.');
  const rule = await getPrisma().alertRule.findUnique({ where: { id } });
  if (!rule) throw new NotFoundError('No such alert rule.');
  return rule;
}

async function loadView(id: string): Promise<AlertRuleView> {
  const rule = await getPrisma().alertRule.findUnique({
    where: { id },
    include: { createdBy: { select: { email: true } }, incidents: { where: OPEN, take: 1 } },
  });
  if (!rule) throw new NotFoundError('No such alert rule.');
  return toRuleView(rule, rule.incidents[0] ?? null);
}

export async function listAlertRules(principal: Principal): Promise<AlertRuleView[]> {
  requireAdmin(principal);
  const rules = await getPrisma().alertRule.findMany({
    orderBy: { name: 'asc' },
    include: { createdBy: { select: { email: true } }, incidents: { where: OPEN, take: 1 } },
  });
  return rules.map((rule) => toRuleView(rule, rule.incidents[0] ?? null));
}

export async function getAlertRule(principal: Principal, id: string): Promise<AlertRuleView> {
  requireAdmin(principal);
  await findRule(id);
  return loadView(id);
}

/** What fires now, oldest first: the admin overview shows it. */
export async function listFiringAlerts(principal: Principal): Promise<FiringAlertView[]> {
  requireAdmin(principal);
  const incidents = await getPrisma().alertIncident.findMany({
    where: { ...OPEN, rule: { enabled: true } },
    include: { rule: true },
    orderBy: { startedAt: 'asc' },
  });
  return incidents.map(toFiringAlertView);
}

export async function createAlertRule(
  principal: Principal,
  input: unknown,
  context: AuditContext,
): Promise<AlertRuleView> {
  const admin = requireAdmin(principal);
  const parsed = parseRuleInput(input);
  const id = uuid7();
  try {
    await getPrisma().alertRule.create({
      data: { id, ...toRuleColumns(parsed), createdById: admin.userId },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(parsed.name);
    throw error;
  }
  await recordAudit(admin, 'alert_rule.create', { type: 'alert_rule', id }, context, {
    name: parsed.name,
    kind: parsed.kind,
  });
  return loadView(id);
}

/**
 * Replaces the rule with the input, checked whole (the form sends every field). An incident in
 * progress stays open: the next evaluation judges it by the new rule.
 */
export async function updateAlertRule(
  principal: Principal,
  id: string,
  input: unknown,
  context: AuditContext,
): Promise<AlertRuleView> {
  const admin = requireAdmin(principal);
  await findRule(id);
  const parsed = parseRuleInput(input);
  try {
    await getPrisma().alertRule.update({ where: { id }, data: toRuleColumns(parsed) });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(parsed.name);
    throw error;
  }
  await recordAudit(admin, 'alert_rule.update', { type: 'alert_rule', id }, context, {
    name: parsed.name,
    kind: parsed.kind,
    enabled: parsed.enabled,
  });
  return loadView(id);
}

/** A disabled rule stops firing at the next evaluation, without a resolved notice. */
export async function setAlertRuleEnabled(
  principal: Principal,
  id: string,
  enabled: boolean,
  context: AuditContext,
): Promise<AlertRuleView> {
  const admin = requireAdmin(principal);
  const rule = await findRule(id);
  await getPrisma().alertRule.update({ where: { id }, data: { enabled } });
  await recordAudit(
    admin,
    enabled ? 'alert_rule.enable' : 'alert_rule.disable',
    { type: 'alert_rule', id },
    context,
    { name: rule.name },
  );
  return loadView(id);
}

/** Deletes the rule and its incidents. */
export async function deleteAlertRule(
  principal: Principal,
  id: string,
  context: AuditContext,
): Promise<void> {
  const admin = requireAdmin(principal);
  const rule = await findRule(id);
  await getPrisma().alertRule.delete({ where: { id } });
  await recordAudit(admin, 'alert_rule.delete', { type: 'alert_rule', id }, context, {
    name: rule.name,
    kind: rule.kind,
  });
}
