import { hostname } from 'node:os';
import type { AlertKind } from '@/lib/alerts/alert-spec';
import { getLogger } from '@/lib/logger';
import { uuid7 } from '@/lib/uuid7';
import type { AlertIncident, AlertRule } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';
import { readRuleFigures, type RuleReading } from './alert-figures';
import { describeRuleRow } from './alert-rule-mapper';
import { notifyAlert, type AlertEvent, type AlertState } from './alert-notify';

// One pass over the enabled rules: read their figures, open an incident for a rule that starts
// firing, close the one of a rule that stops, and notify. Everything it knows lives in
// alert_incidents (when it started, the last notice and how many), so a restarted or another
// web process carries on where the last pass stopped: no second notice, nothing forgotten.
// One process at a time (a Postgres advisory lock). `now` is a parameter so tests pass a clock.
//
// Cool-down: no firing notice within cooldownMinutes of the rule's last one, counting the
// incident before (a rule that flaps does not mail every flap); once it has passed and the rule
// still fires, a reminder. A resolved notice goes out when an incident that was notified ends.

export const ALERT_LOCK_KEY = 0x74646b5f_616c7274n; // "tdk_alrt"
const MINUTE_MS = 60_000;

export interface AlertPass {
  at: string;
  holder: string;
  rules: number;
  fired: string[];
  resolved: string[];
  /** Firing, reminder and resolved notices sent. */
  notices: number;
}

type RuleWithIncidents = AlertRule & { incidents: AlertIncident[] };

function eventOf(
  rule: AlertRule,
  state: AlertState,
  reading: RuleReading,
  incident: AlertIncident,
  notice: number,
  now: Date,
): AlertEvent {
  return {
    rule: {
      id: rule.id,
      name: rule.name,
      kind: rule.kind as AlertKind,
      description: describeRuleRow(rule),
      channels: { email: rule.notifyEmail, webhook: rule.notifyWebhook },
    },
    state,
    value: reading.value,
    threshold: rule.threshold,
    at: now,
    incident: { id: incident.id, startedAt: incident.startedAt, notice },
  };
}

/** The rule's last firing notice: the open incident's, else the one before's (flapping). */
function lastNoticeOf(incidents: AlertIncident[]): number | null {
  const times = incidents.flatMap((incident) =>
    incident.lastNotifiedAt ? [incident.lastNotifiedAt.getTime()] : [],
  );
  return times.length > 0 ? Math.max(...times) : null;
}

async function handleFiring(
  rule: RuleWithIncidents,
  open: AlertIncident | null,
  reading: RuleReading,
  now: Date,
  pass: AlertPass,
): Promise<void> {
  const prisma = getPrisma();
  const incident =
    open ??
    (await prisma.alertIncident.create({
      data: {
        id: uuid7(now.getTime()),
        ruleId: rule.id,
        startedAt: now,
        lastValue: reading.value,
        threshold: rule.threshold,
        lastEvaluatedAt: now,
      },
    }));
  if (!open) pass.fired.push(rule.id);
  const last = lastNoticeOf(rule.incidents);
  const due = last === null || now.getTime() - last >= rule.cooldownMinutes * MINUTE_MS;
  const notice = incident.notifications + 1;
  // Sent before it is recorded: a pass that dies between the two sends the same notice again,
  // which the notice's own ids turn into nothing (alert-notify.ts).
  if (due) await notifyAlert(eventOf(rule, 'firing', reading, incident, notice, now));
  await prisma.alertIncident.update({
    where: { id: incident.id },
    data: {
      lastValue: reading.value,
      threshold: rule.threshold,
      lastEvaluatedAt: now,
      ...(due ? { lastNotifiedAt: now, notifications: notice } : {}),
    },
  });
  if (due) pass.notices += 1;
}

async function handleResolved(
  rule: AlertRule,
  open: AlertIncident,
  reading: RuleReading,
  now: Date,
  pass: AlertPass,
): Promise<void> {
  // Nobody was told it fired (it started and ended within a cool-down): nothing to take back.
  const told = open.notifications > 0;
  if (told) await notifyAlert(eventOf(rule, 'resolved', reading, open, open.notifications, now));
  await getPrisma().alertIncident.update({
    where: { id: open.id },
    data: { resolvedAt: now, lastValue: reading.value, lastEvaluatedAt: now },
  });
  pass.resolved.push(rule.id);
  if (told) pass.notices += 1;
}

async function evaluateRules(now: Date, pass: AlertPass): Promise<void> {
  const prisma = getPrisma();
  // A disabled rule stops firing quietly: the admin turned it off on purpose.
  await prisma.alertIncident.updateMany({
    where: { resolvedAt: null, rule: { enabled: false } },
    data: { resolvedAt: now },
  });
  const rules: RuleWithIncidents[] = await prisma.alertRule.findMany({
    where: { enabled: true },
    include: { incidents: { orderBy: { startedAt: 'desc' }, take: 2 } },
  });
  pass.rules = rules.length;
  if (rules.length === 0) return;
  const readings = await readRuleFigures(rules, now);
  for (const rule of rules) {
    const reading = readings.get(rule.id);
    if (!reading) continue;
    const latest = rule.incidents[0];
    const open = latest && latest.resolvedAt === null ? latest : null;
    if (reading.firing) await handleFiring(rule, open, reading, now, pass);
    else if (open) await handleResolved(rule, open, reading, now, pass);
  }
}

/**
 * One pass at `now`, unless another process is running one (then null). Throws when Postgres
 * or Redis cannot be read; the loop (alert-loop.ts) logs it and tries again.
 */
export async function evaluateAlerts(now: Date = new Date()): Promise<AlertPass | null> {
  return getPrisma().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ locked: boolean }>>`
        SELECT pg_try_advisory_xact_lock(${ALERT_LOCK_KEY}) AS locked`;
      if (!rows[0]?.locked) return null;
      const pass: AlertPass = {
        at: now.toISOString(),
        holder: `${hostname()}:${process.pid}`,
        rules: 0,
        fired: [],
        resolved: [],
        notices: 0,
      };
      await evaluateRules(now, pass);
      if (pass.fired.length > 0 || pass.resolved.length > 0) {
        getLogger().info(
          { fired: pass.fired, resolved: pass.resolved, notices: pass.notices },
          'alerts changed',
        );
      }
      return pass;
    },
    { maxWait: 10_000, timeout: 2 * 60_000 },
  );
}
