import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { evaluateAlerts } from '@/server/alerts/alert-evaluation';
import { startAlertLoop } from '@/server/alerts/alert-loop';
import { createAlertRule, setAlertRuleEnabled } from '@/server/alerts/alert-rule-service';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// The alert loop through outages of its own private Redis and PostgreSQL (never the machine's):
// a pass that cannot read fails (it does not hang), the loop logs it and goes on, and once the
// service is back the next pass does what the last one could not.

let cluster: PrivatePostgres;
let redis: PrivateRedis;
let admin: TestUser;
let stopLoop: (() => void) | undefined;

beforeAll(async () => {
  [cluster, redis] = await Promise.all([createPrivatePostgres(), createPrivateRedis()]);
  await closeClients();
  vi.stubEnv('DATABASE_URL', cluster.url);
  vi.stubEnv('REDIS_URL', redis.url);
  vi.stubEnv('QUEUE_PREFIX', '{taskdeck-test-alerts-outage}');
  vi.stubEnv('ALERT_EVALUATE_MS', '100');
  resetEnvCache();
  admin = await createTestUser('admin');
}, 120_000);

afterAll(async () => {
  stopLoop?.();
  await closeClients();
  await Promise.all([cluster?.destroy(), redis?.destroy()]);
  vi.unstubAllEnvs();
  resetEnvCache();
});

const openIncident = (ruleId: string) =>
  getPrisma().alertIncident.findFirst({ where: { ruleId, resolvedAt: null } });

describe('alert evaluation during outages', () => {
  it('fails a pass while Redis or Postgres is down and carries on once each is back', async () => {
    const rule = await createAlertRule(
      admin.principal,
      { name: 'No maintenance worker', kind: 'no_worker', queue: 'maintenance' },
      NO_AUDIT_CONTEXT,
    );

    await redis.stop();
    await expect(evaluateAlerts()).rejects.toThrow();
    expect(await openIncident(rule.id)).toBeNull();
    stopLoop = startAlertLoop();
    await redis.start();
    const incident = await waitFor(
      async () => (await openIncident(rule.id)) ?? undefined,
      'the loop to open the incident once Redis is back',
      30_000,
    );
    expect(incident.lastValue).toBe(0);

    await cluster.stop('fast');
    await expect(evaluateAlerts()).rejects.toThrow();
    await cluster.start();
    // The loop is still running: a rule disabled now is closed by its next pass.
    await waitFor(
      async () =>
        (await setAlertRuleEnabled(admin.principal, rule.id, false, NO_AUDIT_CONTEXT).then(
          () => true,
          () => undefined,
        )) ?? undefined,
      'Postgres to take the change',
      30_000,
    );
    await waitFor(
      async () => ((await openIncident(rule.id)) === null ? true : undefined),
      'the loop to close the disabled rule’s incident',
      30_000,
    );
  }, 120_000);
});
