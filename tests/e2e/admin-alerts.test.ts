import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// An admin makes an alert rule on /admin/alerts in real Chromium, a task really fails, and the
// production web process's own evaluation loop (ALERT_EVALUATE_MS) makes it fire: the overview,
// open all along, shows it without a reload.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let adminRest: RestClient;
const ruleName = `E2E failures ${Date.now()}`;
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'alerts-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // Its notices would go on while later files run.
  await getPrisma().alertRule.deleteMany({ where: { name: ruleName } });
  await closeClients();
});

describe('admin alerts', () => {
  it('exists for admins only', async () => {
    const user = await createTestUser('user', 'alerts-user');
    const response = await fetch(`${baseUrl}/admin/alerts`, { headers: { cookie: user.cookie } });
    expect(response.status).toBe(404);
  });

  it('creates a rule with field errors shown, makes it fire, sees it live on the overview', async () => {
    const form = await openSignedInPage(
      browser,
      pageEvents,
      { baseUrl, cookie: admin.cookie },
      '/admin/alerts/new',
    );
    await form.locator('#alert-rule-name').fill(ruleName);
    await form.locator('#alert-rule-taskType').selectOption('diagnostics.simulate');
    await form.locator('#alert-rule-windowMinutes').fill('');
    await form.locator('#alert-rule-thresholdPercent').fill('1');
    await form.locator('#alert-rule-minTasks').fill('1');
    await form.getByRole('button', { name: 'Create rule' }).click();
    // The server's field error, under its field.
    await expect
      .poll(() => form.locator('#alert-rule-windowMinutes-error').textContent(), {
        timeout: 20_000,
      })
      .toMatch(/window in minutes/);
    await form.locator('#alert-rule-windowMinutes').fill('10');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await form.waitForURL(`${baseUrl}/admin/alerts`);
    const row = form.locator('[data-testid="alert-rule-row"]', { hasText: ruleName });
    await row.waitFor();
    expect(await row.textContent()).toContain('Failure rate of diagnostics.simulate over 10 min');
    const ruleId = await row.getAttribute('data-rule-id');

    const overview = await openSignedInPage(
      browser,
      pageEvents,
      { baseUrl, cookie: admin.cookie },
      '/admin',
    );
    await overview.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await overview.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'same page';
    });

    // The tier's other files ran hundreds of these tasks in the window, nearly all succeeding:
    // fail enough that the rate is at least twice the 1 % threshold, whatever ran before.
    const since = new Date(Date.now() - 10 * 60_000);
    const [finished, failed] = await Promise.all(
      [['succeeded', 'failed'], ['failed']].map((status) =>
        getPrisma().task.count({
          where: {
            type: 'diagnostics.simulate',
            status: { in: status as TaskStatus[] },
            finishedAt: { gte: since },
          },
        }),
      ),
    );
    const failing = Math.max(1, Math.ceil((0.02 * finished! - failed!) / 0.98));
    const tasks = await Promise.all(
      Array.from({ length: failing }, () =>
        adminRest.createTask({
          type: 'diagnostics.simulate',
          payload: { steps: 1, stepMs: 0, failAtStep: 1 },
        }),
      ),
    );
    for (const task of tasks) {
      expect((await adminRest.waitForTask(task.id, ['failed'])).status).toBe('failed');
    }

    const alert = overview.locator(`[data-testid="firing-alert"][data-rule-id="${ruleId}"]`);
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain(ruleName);
    expect(await overview.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
      'same page',
    );

    // The rules page says so too, and the notices were queued for the admins.
    await form.reload();
    expect(await row.getAttribute('data-firing')).toBe('true');
    expect(await row.textContent()).toMatch(/Firing\s*since/);
    const emails = await getPrisma().task.count({
      where: {
        ownerId: admin.principal.userId,
        payload: { path: ['subject'], string_contains: ruleName },
      },
    });
    expect(emails).toBe(1);
  }, 90_000);
});
