import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { requireData } from '@/tests/support/api-client';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, taskRow, waitForRowStatus, type RestClient } from './lifecycle-helpers';

// Each risky action asks first, in real Chromium against the production build: the dialog
// names its target, Keep and Escape send nothing (the server's state is read back over REST or
// from the database), Confirm does it.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let adminRest: RestClient;
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'risky-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

const openAsAdmin = (path: string) =>
  openSignedInPage(browser, pageEvents, { baseUrl, cookie: admin.cookie }, path);

/** Backs out of the dialog once with Keep and once with Escape, each time from `open`. */
async function backOutTwice(page: Page, name: string, open: () => Promise<unknown>): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await open();
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await open();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
}

async function confirmDialog(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

const roleOf = async (userId: string) =>
  (await getPrisma().user.findUniqueOrThrow({ where: { id: userId }, select: { role: true } }))
    .role;
const auditCount = (targetId: string) => getPrisma().auditEvent.count({ where: { targetId } });

describe('risky actions ask first', () => {
  it('making a user an admin and taking it back', async () => {
    const alice = await createTestUser('user', 'risky-alice');
    const id = alice.principal.userId;
    const page = await openAsAdmin('/admin/users');
    const select = page.getByLabel(`Role of ${alice.email}`);
    const promote = `Make ${alice.email} an admin?`;

    await backOutTwice(page, promote, () => select.selectOption('admin'));
    expect(await select.inputValue()).toBe('user');
    expect(await roleOf(id)).toBe('user');
    expect(await auditCount(id)).toBe(0);

    await select.selectOption('admin');
    expect(await page.getByRole('dialog', { name: promote }).textContent()).toContain(
      'They will see and control every task, queue, schedule and user.',
    );
    await confirmDialog(page, promote);
    await expect.poll(() => roleOf(id)).toBe('admin');

    // Demoting another admin is asked too: it takes away everything they could do.
    const demote = `Remove the admin role of ${alice.email}?`;
    await backOutTwice(page, demote, () => select.selectOption('user'));
    expect(await select.inputValue()).toBe('admin');
    expect(await roleOf(id)).toBe('admin');
    await select.selectOption('user');
    await confirmDialog(page, demote);
    await expect.poll(() => roleOf(id)).toBe('user');
    await page.context().close();
  });

  it('banning a user', async () => {
    const bob = await createTestUser('user', 'risky-bob');
    const page = await openAsAdmin('/admin/users');
    const row = page.locator(`[data-testid="user-row"][data-user-id="${bob.principal.userId}"]`);
    const ban = `Ban ${bob.email}?`;
    await backOutTwice(page, ban, () => row.getByRole('button', { name: 'Ban' }).click());
    const read = () =>
      getPrisma().user.findUniqueOrThrow({
        where: { id: bob.principal.userId },
        select: { banned: true },
      });
    expect((await read()).banned).toBe(false);
    await row.getByRole('button', { name: 'Ban' }).click();
    await confirmDialog(page, ban);
    await row
      .getByTestId('user-access')
      .filter({ hasText: /^banned$/ })
      .waitFor();
    expect((await read()).banned).toBe(true);
    await page.context().close();
  });

  it('pausing a queue (resuming is one click)', async () => {
    const pausedOverRest = async () => {
      const queues = requireData(await adminRest.api.GET('/api/v1/queues'));
      return queues.data.find((queue) => queue.name === 'diagnostics')?.paused;
    };
    const page = await openAsAdmin('/admin/queues');
    const row = page.locator('[data-testid="queue-row"][data-queue="diagnostics"]');
    const pause = row.getByRole('button', { name: 'Pause queue diagnostics' });
    const question = 'Pause the diagnostics queue?';
    let resumed = false;
    try {
      await backOutTwice(page, question, () => pause.click());
      expect(await pausedOverRest()).toBe(false);
      await pause.click();
      expect(await page.getByRole('dialog', { name: question }).textContent()).toContain(
        'no new ones start until it is resumed',
      );
      await confirmDialog(page, question);
      await row.getByTestId('queue-state').filter({ hasText: 'paused' }).waitFor();
      expect(await pausedOverRest()).toBe(true);

      await row.getByRole('button', { name: 'Resume queue diagnostics' }).click();
      await row.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
      resumed = true;
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await pausedOverRest()).toBe(false);
    } finally {
      if (!resumed)
        await adminRest.api.POST('/api/v1/queues/{name}/resume', {
          params: { path: { name: 'diagnostics' } },
        });
    }
    await page.context().close();
  });

  it('cancelling a running task', async () => {
    const task = await adminRest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 300, stepMs: 100 },
    });
    const page = await openAsAdmin('/');
    const row = taskRow(page, task.id);
    await waitForRowStatus(row, 'running');
    const question = `Cancel the running task ${task.label} (${shortTaskId(task.id)})?`;
    const cancel = row.getByRole('button', { name: 'Cancel', exact: true });

    await backOutTwice(page, question, () => cancel.click());
    expect((await adminRest.getTask(task.id)).status).toBe('running');
    expect(await getPrisma().taskTransition.count({ where: { taskId: task.id } })).toBe(2);

    await cancel.click();
    expect(await page.getByRole('dialog', { name: question }).textContent()).toContain(
      'work done so far is lost',
    );
    await confirmDialog(page, question);
    await adminRest.waitForTask(task.id, ['cancelled']);
    await page.context().close();
  });

  it('running a schedule now', async () => {
    const schedule = requireData(
      await adminRest.api.POST('/api/v1/schedules', {
        body: {
          name: `Risky run now ${Date.now()}`,
          taskType: 'diagnostics.simulate',
          payload: { steps: 1, stepMs: 0 },
          priority: 'normal',
          // Once a year at 03:00 on 1 January: it never fires by itself during the test.
          repeat: { kind: 'cron', cron: '0 3 1 1 *', timezone: 'UTC' },
          enabled: true,
          missedRunPolicy: 'skip',
        },
      }),
    );
    const runs = () => getPrisma().task.count({ where: { scheduleId: schedule.id } });
    try {
      const page = await openAsAdmin(`/admin/schedules/${schedule.id}`);
      const question = `Run "${schedule.name}" now?`;
      const runNow = page.getByRole('button', { name: 'Run now' });
      await backOutTwice(page, question, () => runNow.click());
      expect(await runs()).toBe(0);

      await runNow.click();
      expect(await page.getByRole('dialog', { name: question }).textContent()).toContain(
        'A task of type diagnostics.simulate is created at once, outside the schedule.',
      );
      await confirmDialog(page, question);
      await page.getByRole('status').filter({ hasText: 'Run started' }).waitFor();
      expect(await runs()).toBe(1);
      await page.context().close();
    } finally {
      await adminRest.api.DELETE('/api/v1/schedules/{id}', {
        params: { path: { id: schedule.id } },
      });
    }
  });
});

describe('navigation feedback', () => {
  it('marks the page busy with a bar and "Loading…" while a navigation waits on the server', async () => {
    const page = await openAsAdmin('/admin');
    // Every request for the queues page waits until the test lets it through.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname === '/admin/queues',
      async (route) => {
        await gate;
        await route.continue();
      },
    );
    const bar = page.getByTestId('navigation-progress');
    expect(await bar.getAttribute('data-state')).toBe('idle');
    expect(await page.locator('main').getAttribute('aria-busy')).toBe('false');

    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Queues' })
      .click();
    await page.locator('[data-testid="navigation-progress"][data-state="loading"]').waitFor({
      state: 'attached',
    });
    expect(await page.locator('main').getAttribute('aria-busy')).toBe('true');
    expect(await page.getByRole('status').filter({ hasText: 'Loading…' }).count()).toBe(1);
    expect(page.url()).toBe(`${baseUrl}/admin`);

    release();
    await page.waitForURL(`${baseUrl}/admin/queues`);
    await page.locator('[data-testid="navigation-progress"][data-state="idle"]').waitFor({
      state: 'attached',
    });
    expect(await page.locator('main').getAttribute('aria-busy')).toBe('false');
    await page.getByTestId('queue-row').first().waitFor();
    await page.context().close();
  });
});
