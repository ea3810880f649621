import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { getAdminOverview } from '@/server/admin/overview-service';
import { ALERT_LOCK_KEY, evaluateAlerts } from '@/server/alerts/alert-evaluation';
import { notifyAlert } from '@/server/alerts/alert-notify';
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  setAlertRuleEnabled,
} from '@/server/alerts/alert-rule-service';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { createMailer, installMailer } from '@/server/email/mailer';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { setQueuePaused } from '@/server/queues/queue-service';
import { createTask } from '@/server/tasks/task-submission';
import { emailSend } from '@/server/tasks/types/email-send';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { spawnEntry } from '../support/spawn-process';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// Alert rules on real conditions: tasks that really fail, a paused queue with a job really
// waiting, a queue no worker serves. Each pass is called with a clock instead of sleeping; the
// notices are email.send tasks (one per admin), delivered by a real worker to a real SMTP server.

const MINUTE = 60_000;
const bus = new BusRecorder();
const received: Array<{ to: string[]; data: string }> = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({
        to: session.envelope.rcptTo.map((address) => address.address),
        data: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});
let worker: RunningTaskWorker;
let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  [admin, user] = await Promise.all([createTestUser('admin'), createTestUser()]);
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as { port: number };
  installMailer(createMailer({ smtpUrl: `smtp://127.0.0.1:${port}` }));
  await bus.start();
  worker = await startTaskWorker({ queues: ['diagnostics', 'notifications'] });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await closeClients();
});

/** A rule with a fresh name; the input is checked by the service, as an admin's form is. */
async function createRule(input: Record<string, unknown>) {
  return createAlertRule(
    admin.principal,
    { name: `Alert ${randomUUID()}`, ...input },
    NO_AUDIT_CONTEXT,
  );
}

/** The alert emails queued for a rule, by its name in their subject. */
async function alertEmails(ruleName: string) {
  const tasks = await getPrisma().task.findMany({
    where: { type: emailSend.name, payload: { path: ['subject'], string_contains: ruleName } },
    orderBy: { createdAt: 'asc' },
  });
  return tasks.map((task) => ({
    ownerId: task.ownerId,
    ...(task.payload as { to: string; subject: string; text: string }),
  }));
}

/** Every admin who can be mailed gets each notice. */
async function countRecipients(): Promise<number> {
  return getPrisma().user.count({ where: { role: 'admin', NOT: { banned: true } } });
}

async function openIncident(ruleId: string) {
  return getPrisma().alertIncident.findFirst({ where: { ruleId, resolvedAt: null } });
}

async function runSimulated(failing: boolean) {
  const task = await createTask(admin.principal, {
    type: 'diagnostics.simulate',
    payload: failing ? { steps: 1, stepMs: 0, failAtStep: 1 } : { steps: 1, stepMs: 0 },
  });
  return bus.waitForUpdate(task.id, isTerminal, 20_000);
}

describe('alert rules', () => {
  it('refuses a rule with field errors: unknown type or queue, bad numbers', async () => {
    const invalid = [
      { kind: 'failure_rate', taskType: 'no.such.type', windowMinutes: 5, thresholdPercent: 50 },
      { kind: 'failure_rate', taskType: 'diagnostics.simulate', windowMinutes: 0 },
      { kind: 'oldest_waiting', queue: 'nowhere', thresholdSeconds: 60 },
      { kind: 'no_worker', queue: 'maintenance', cooldownMinutes: -1 },
    ];
    const paths: string[][] = [];
    for (const input of invalid) {
      const error = await createRule(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      paths.push((error as ValidationError).fieldErrors.map((field) => field.path));
    }
    expect(paths[0]).toEqual(['taskType']);
    expect(paths[1]).toEqual(expect.arrayContaining(['windowMinutes', 'thresholdPercent']));
    expect(paths[2]).toEqual(['queue']);
    expect(paths[3]).toEqual(['cooldownMinutes']);
    await expect(
      createAlertRule(
        user.principal,
        { name: 'x', kind: 'no_worker', queue: 'maintenance' },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('failure_rate fires on tasks that really failed, mails every admin, resolves when they age out', async () => {
    // The window is the minute from now on, so only this test's tasks fall in it.
    const start = Date.now();
    const clock = new Date(start + MINUTE);
    const rule = await createRule({
      kind: 'failure_rate',
      taskType: 'diagnostics.simulate',
      windowMinutes: 1,
      thresholdPercent: 50,
      minTasks: 4,
      cooldownMinutes: 10,
    });
    expect(rule.channels).toEqual({ email: true, webhook: false });

    // One failure out of one is below the minimum: no alert.
    expect(await runSimulated(true)).toMatchObject({ status: 'failed' });
    await evaluateAlerts(clock);
    expect(await openIncident(rule.id)).toBeNull();

    expect((await runSimulated(false)).status).toBe('succeeded');
    expect((await runSimulated(true)).status).toBe('failed');
    expect((await runSimulated(true)).status).toBe('failed');
    // 3 of 4 failed: 75 % ≥ 50 %.
    const pass = await evaluateAlerts(clock);
    expect(pass?.fired).toContain(rule.id);
    const incident = await openIncident(rule.id);
    expect(incident).toMatchObject({ lastValue: 75, threshold: 50, notifications: 1 });

    const emails = await alertEmails(rule.name);
    expect(emails).toHaveLength(await countRecipients());
    const mine = emails.find((email) => email.to === admin.email);
    expect(mine?.ownerId).toBe(admin.principal.userId);
    expect(mine?.subject).toBe(`[Taskdeck] Firing: ${rule.name}`);
    expect(mine?.text).toContain('Now: 75 % (threshold: 50 %)');
    // Delivered by the worker over SMTP.
    const delivered = await waitFor(
      async () =>
        received.find((mail) => mail.to.includes(admin.email) && mail.data.includes(rule.name)),
      'the alert email over SMTP',
      20_000,
    );
    expect(delivered.data).toContain('Firing');

    const firing = await getAlertRule(admin.principal, rule.id);
    expect(firing.firing).toMatchObject({ incidentId: incident!.id, lastValue: 75 });
    // What the rules page and GET /api/v1/alerts list.
    const listed = (await listAlertRules(admin.principal)).find((each) => each.id === rule.id);
    expect(listed?.firing?.since).toBe(incident!.startedAt.toISOString());
    const overview = await getAdminOverview(admin.principal);
    expect(overview.alerts.find((alert) => alert.ruleId === rule.id)).toMatchObject({
      name: rule.name,
      valueText: '75 %',
    });

    // Two minutes on, the failures are out of the one-minute window.
    const later = await evaluateAlerts(new Date(start + 3 * MINUTE));
    expect(later?.resolved).toContain(rule.id);
    expect(await openIncident(rule.id)).toBeNull();
    const after = await alertEmails(rule.name);
    const resolved = after.filter((email) => email.subject.includes('Resolved'));
    expect(resolved).toHaveLength(await countRecipients());
    expect(resolved.find((email) => email.to === admin.email)?.text).toMatch(/Resolved at: /);
    await deleteAlertRule(admin.principal, rule.id, NO_AUDIT_CONTEXT);
  });

  it('oldest_waiting fires on a paused queue with a job waiting, resolves once it runs', async () => {
    const rule = await createRule({
      kind: 'oldest_waiting',
      queue: 'diagnostics',
      thresholdSeconds: 90,
      channels: { email: false, webhook: true },
    });
    await setQueuePaused(admin.principal, 'diagnostics', true, NO_AUDIT_CONTEXT);
    try {
      const task = await createTask(admin.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
      });
      const now = Date.now();
      // Not yet: it has waited a moment, not 90 s.
      await evaluateAlerts(new Date(now + 30_000));
      expect(await openIncident(rule.id)).toBeNull();
      await evaluateAlerts(new Date(now + 120_000));
      const incident = await openIncident(rule.id);
      expect(incident?.lastValue).toBeGreaterThanOrEqual(119);
      // Email is off for this rule: nothing is mailed.
      expect(await alertEmails(rule.name)).toEqual([]);

      await setQueuePaused(admin.principal, 'diagnostics', false, NO_AUDIT_CONTEXT);
      expect((await bus.waitForUpdate(task.id, isTerminal, 20_000)).status).toBe('succeeded');
      const pass = await evaluateAlerts(new Date(Date.now() + 120_000));
      expect(pass?.resolved).toContain(rule.id);
    } finally {
      await setQueuePaused(admin.principal, 'diagnostics', false, NO_AUDIT_CONTEXT);
      await deleteAlertRule(admin.principal, rule.id, NO_AUDIT_CONTEXT);
    }
  });

  it('no_worker fires while no worker serves the queue; cool-down, restart and a worker starting', async () => {
    const rule = await createRule({ kind: 'no_worker', queue: 'maintenance', cooldownMinutes: 10 });
    const t0 = Date.now();
    await evaluateAlerts(new Date(t0));
    const incident = await openIncident(rule.id);
    expect(incident).toMatchObject({ lastValue: 0, notifications: 1 });
    const recipients = await countRecipients();
    expect(await alertEmails(rule.name)).toHaveLength(recipients);

    // Within the cool-down: still firing, no second notice.
    await evaluateAlerts(new Date(t0 + MINUTE));
    await evaluateAlerts(new Date(t0 + 9 * MINUTE));
    expect(await alertEmails(rule.name)).toHaveLength(recipients);

    // A restarted web process: nothing in memory, the state comes from Postgres.
    const fresh = spawnEntry('tests/support/alert-pass-process.ts', {}, [
      String(t0 + 9.5 * MINUTE),
    ]);
    const [, printed] = await fresh.waitForOutput(/^ALERT_PASS=(.+)$/m, 20_000);
    expect(JSON.parse(printed!)).toMatchObject({ fired: [], notices: 0 });
    expect((await fresh.exited).code).toBe(0);
    expect(await alertEmails(rule.name)).toHaveLength(recipients);
    expect((await openIncident(rule.id))?.id).toBe(incident!.id);

    // Past the cool-down and still firing: one reminder.
    await evaluateAlerts(new Date(t0 + 11 * MINUTE));
    await evaluateAlerts(new Date(t0 + 12 * MINUTE));
    const reminded = await alertEmails(rule.name);
    expect(reminded).toHaveLength(2 * recipients);
    expect(reminded.filter((email) => email.subject.includes('Still firing'))).toHaveLength(
      recipients,
    );

    // A worker for the queue starts: its heartbeat resolves the alert.
    const maintenance = await startTaskWorker({ queues: ['maintenance'] });
    try {
      const pass = await evaluateAlerts(new Date(t0 + 13 * MINUTE));
      expect(pass?.resolved).toContain(rule.id);
      const all = await alertEmails(rule.name);
      expect(all.filter((email) => email.subject.includes('Resolved'))).toHaveLength(recipients);
      expect((await getAlertRule(admin.principal, rule.id)).firing).toBeNull();
    } finally {
      await maintenance.stop(5_000);
    }

    // Fires again at once after it stopped: within the cool-down of the last notice, so the
    // new incident is recorded and shown but not mailed (a flapping rule mails once).
    await evaluateAlerts(new Date(t0 + 14 * MINUTE));
    expect((await openIncident(rule.id))?.notifications).toBe(0);
    expect(await alertEmails(rule.name)).toHaveLength(3 * recipients);

    // Disabled: it stops firing quietly.
    await setAlertRuleEnabled(admin.principal, rule.id, false, NO_AUDIT_CONTEXT);
    await evaluateAlerts(new Date(t0 + 15 * MINUTE));
    expect(await openIncident(rule.id)).toBeNull();
    expect(await alertEmails(rule.name)).toHaveLength(3 * recipients);
    await deleteAlertRule(admin.principal, rule.id, NO_AUDIT_CONTEXT);
  });

  it('a notice sent again (a pass that died before recording it) queues no second email', async () => {
    const rule = await createRule({ kind: 'no_worker', queue: 'maintenance' });
    const event = {
      rule: { ...rule, channels: { email: true, webhook: false } },
      state: 'firing' as const,
      value: 0,
      threshold: null,
      at: new Date(),
      incident: { id: randomUUID(), startedAt: new Date(), notice: 1 },
    };
    const recipients = await countRecipients();
    expect(await notifyAlert(event)).toEqual({ emails: recipients, webhookEvents: 0 });
    expect(await notifyAlert(event)).toEqual({ emails: 0, webhookEvents: 0 });
    expect(await alertEmails(rule.name)).toHaveLength(recipients);
    // The next notice of the same incident is another email.
    expect(await notifyAlert({ ...event, incident: { ...event.incident, notice: 2 } })).toEqual({
      emails: recipients,
      webhookEvents: 0,
    });
    await deleteAlertRule(admin.principal, rule.id, NO_AUDIT_CONTEXT);
  });

  it('a notice on the webhook channel records one alert event, however often it is sent', async () => {
    const rule = await createRule({ kind: 'no_worker', queue: 'maintenance' });
    const event = {
      rule: { ...rule, channels: { email: false, webhook: true } },
      state: 'firing' as const,
      value: 0,
      threshold: null,
      at: new Date(),
      incident: { id: randomUUID(), startedAt: new Date(), notice: 1 },
    };
    expect(await notifyAlert(event)).toEqual({ emails: 0, webhookEvents: 1 });
    expect(await notifyAlert(event)).toEqual({ emails: 0, webhookEvents: 0 });
    const recorded = await getPrisma().webhookEvent.findMany({
      where: {
        eventType: 'alert.firing',
        data: { path: ['incident', 'id'], equals: event.incident.id },
      },
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      ownerId: null,
      data: { rule: { id: rule.id }, state: 'firing' },
    });
    await getPrisma().webhookEvent.deleteMany({ where: { id: recorded[0]!.id } });
    await deleteAlertRule(admin.principal, rule.id, NO_AUDIT_CONTEXT);
  });

  it('one process evaluates at a time: a pass while another holds the lock does nothing', async () => {
    const other = new pg.Client({ connectionString: getEnv().DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [ALERT_LOCK_KEY.toString()]);
      expect(await evaluateAlerts()).toBeNull();
      await other.query('SELECT pg_advisory_unlock($1)', [ALERT_LOCK_KEY.toString()]);
      expect(await evaluateAlerts()).toMatchObject({ holder: expect.stringContaining(':') });
    } finally {
      await other.end();
    }
  });
});
