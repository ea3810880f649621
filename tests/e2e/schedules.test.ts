import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { SCHEDULES_QUEUE } from '@/server/schedules/schedule-queue';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestUser, type TestUser } from '../support/users';

// Schedules in real Chromium against the real web and worker processes: an admin makes one that
// fires every few seconds, watches its runs arrive live, runs it now and pauses it.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'schedule-admin');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openAsAdmin(path: string): Promise<Page> {
  return openSignedInPage(browser, pageEvents, { baseUrl, cookie: admin.cookie }, path);
}

const runRows = (page: Page) => page.getByTestId('schedule-run');

describe('schedules', () => {
  it('lists the built-in schedules, and a non-admin finds no such page', async () => {
    const page = await openAsAdmin('/admin/schedules');
    const rows = page.getByTestId('schedule-row');
    await rows.first().waitFor();
    const names = await rows.locator('a').first().allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const name of ['Nightly retention cleanup', 'Weekly activity report']) {
      await page.getByRole('link', { name }).waitFor();
    }
    await page.close();
    const user = await createTestUser('user', 'schedule-user');
    const response = await fetch(`${baseUrl}/admin/schedules`, {
      headers: { cookie: user.cookie },
    });
    expect(response.status).toBe(404);
  });

  it('checks the cron pattern as it is typed and again on the server', async () => {
    const page = await openAsAdmin('/admin/schedules/new');
    await page.getByLabel('Name').fill(`Broken ${Date.now()}`);
    await page.getByLabel('Cron pattern', { exact: true }).fill('61 3 * * *');
    const error = page.locator('#schedule-repeat-cron-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Not a valid cron pattern: .*61/);
    expect(await page.getByTestId('schedule-preview').textContent()).toContain(
      'The next runs show here once the schedule is valid.',
    );
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('alert').filter({ hasText: 'The schedule is not valid.' }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/admin/schedules/new`);

    // A good pattern: the sentence and the next five times, in the chosen zone.
    await page.getByLabel('Cron pattern', { exact: true }).fill('30 6 * * 1-5');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = page.getByTestId('schedule-preview');
    await preview.getByText('At 06:30, Monday through Friday (Europe/Berlin)').waitFor();
    expect(await preview.locator('li').count()).toBe(5);
    await page.close();
  });

  it('an admin creates a schedule every few seconds, sees runs arrive live, runs it now, pauses it', async () => {
    const page = await openAsAdmin('/admin/schedules');
    await page.getByRole('link', { name: 'New schedule' }).click();
    await page.waitForURL(`${baseUrl}/admin/schedules/new`);
    const name = `Every three seconds ${Date.now()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Task type').selectOption('diagnostics.simulate');
    await page.getByLabel('Fixed interval').check();
    await page.getByLabel('Every', { exact: true }).fill('3');
    await page.getByLabel('Interval unit').selectOption('seconds');
    await page.getByTestId('schedule-preview').getByText('Every 3 seconds').waitFor();
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.waitForURL(/\/admin\/schedules\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() ?? '';
    expect(await page.getByTestId('schedule-description').textContent()).toBe('Every 3 seconds');
    expect(await page.getByTestId('next-runs').locator('li').count()).toBe(5);

    // Runs appear without a reload, made by the schedule, and finish.
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await expect
      .poll(async () => runRows(page).count(), { timeout: 30_000, interval: 250 })
      .toBeGreaterThanOrEqual(2);
    expect(await runRows(page).first().getByTestId('run-trigger').textContent()).toBe(
      'On schedule',
    );
    await runRows(page)
      .getByTestId('task-status')
      .filter({ hasText: 'succeeded' })
      .first()
      .waitFor({ timeout: 30_000 });

    // Run now: a run made by hand, recorded in the same history.
    await page.getByRole('button', { name: 'Run now' }).click();
    const runNow = page.getByRole('dialog', { name: `Run "${name}" now?` });
    expect(await runNow.textContent()).toContain('A task of type diagnostics.simulate');
    await runNow.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'Run started' }).waitFor();
    await runRows(page).getByTestId('run-trigger').filter({ hasText: 'Run now' }).first().waitFor();

    // Pause: the job scheduler goes, and no more runs come.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('schedule-state').filter({ hasText: 'paused' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await getQueue(SCHEDULES_QUEUE).getJobScheduler(id)).toBeUndefined();
    // A tick already being handled when the pause landed may still make its run.
    await page.waitForTimeout(1_000);
    const settled = await getPrisma().task.count({ where: { scheduleId: id } });
    await page.waitForTimeout(6_500);
    expect(await getPrisma().task.count({ where: { scheduleId: id } })).toBe(settled);

    const actions = await getPrisma().auditEvent.findMany({
      where: { targetId: id },
      orderBy: { createdAt: 'asc' },
      select: { action: true, actorId: true },
    });
    expect(actions.map((event) => event.action)).toEqual([
      'schedule.create',
      'schedule.run_now',
      'schedule.pause',
    ]);
    expect(new Set(actions.map((event) => event.actorId))).toEqual(
      new Set([admin.principal.userId]),
    );
    await page.close();
  });
});
