import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openSignedInPage } from '../support/browser';
import { requireData } from '../support/api-client';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// The admin pages for the task lifecycle, in real Chromium: dead letters retried in bulk, and
// queues paused and resumed, checked against the REST API.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let adminRest: RestClient;
let user: TestUser;
let userRest: RestClient;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'ops-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  user = await createTestUser('user', 'ops-user');
  userRest = createRestClient(baseUrl, await createTestApiKey(user));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openAs(who: TestUser, path: string): Promise<Page> {
  return openSignedInPage(browser, pageEvents, { baseUrl, cookie: who.cookie }, path);
}

async function listQueuesOverRest() {
  const result = await adminRest.api.GET('/api/v1/queues');
  expect(result.response.status).toBe(200);
  return requireData(result).data;
}

describe('admin operations', () => {
  it('exist for admins only, linked from their navigation', async () => {
    for (const path of ['/admin/queues', '/admin/dead-letters']) {
      const asUser = await fetch(baseUrl + path, { headers: { cookie: user.cookie } });
      expect(asUser.status, path).toBe(404);
      const signedOut = await fetch(baseUrl + path);
      expect(signedOut.status, path).toBe(404);
    }
    const page = await openAs(admin, '/');
    // The header links the admin section; its own navigation links each admin page.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.waitForURL(`${baseUrl}/admin`);
    const nav = page.getByRole('navigation', { name: 'Admin' });
    await nav.getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL(`${baseUrl}/admin/queues`);
    await nav.getByRole('link', { name: 'Dead letters' }).click();
    await page.waitForURL(`${baseUrl}/admin/dead-letters`);
    // Admins may submit with any priority.
    await page.goto(baseUrl);
    expect(
      await page
        .getByLabel('Priority')
        .locator('option')
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
    ).toEqual(['low', 'normal', 'high', 'urgent']);
    await page.context().close();
  });

  it('retries selected dead letters in bulk after a confirmation, and reports the outcome', async () => {
    // A user's tasks that fail on all three automatic attempts; a fourth gets through.
    const tasks: TaskView[] = [];
    for (let index = 0; index < 3; index += 1) {
      tasks.push(
        await userRest.createTask({
          type: 'diagnostics.simulate',
          payload: { steps: 2, stepMs: 0, failAtStep: 1, failAttempts: 3 },
        }),
      );
    }
    for (const task of tasks) await userRest.waitForTask(task.id, ['failed']);
    const [first, second, untouched] = tasks as [TaskView, TaskView, TaskView];

    const page = await openAs(admin, '/admin/dead-letters');
    const rowOf = (task: TaskView) =>
      page.locator(`[data-testid="dead-letter-row"][data-task-id="${task.id}"]`);
    for (const task of tasks) await rowOf(task).waitFor();
    const text = await rowOf(first).textContent();
    expect(text).toContain('Simulated failure at step 1');
    expect(text).toContain(user.email);
    expect(text).toContain('3 of 3');

    const retrySelected = page.getByRole('button', { name: /^Retry selected/ });
    expect(await retrySelected.isDisabled()).toBe(true);
    await page.getByLabel(`Select task ${first.id}`).check();
    await page.getByLabel(`Select task ${second.id}`).check();
    await page.getByRole('button', { name: 'Retry selected (2)' }).click();
    // Asked first; backing out changes nothing.
    const confirm = page.getByRole('group', { name: 'Confirm the retry' });
    await confirm.getByText('Retry 2 tasks?').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await userRest.getTask(first.id)).status).toBe('failed');
    await page.getByRole('button', { name: 'Retry selected (2)' }).click();
    await confirm.getByRole('button', { name: 'Yes, retry' }).click();

    await page.getByTestId('bulk-summary').filter({ hasText: 'Retried 2 tasks.' }).waitFor();
    // The page re-reads the list: the retried ones have left it, the other is still there.
    await rowOf(first).waitFor({ state: 'detached' });
    await rowOf(second).waitFor({ state: 'detached' });
    expect(await rowOf(untouched).count()).toBe(1);

    for (const task of [first, second]) {
      expect(await userRest.waitForTask(task.id, ['succeeded'])).toMatchObject({
        attempts: 4,
        maxAttempts: 6,
      });
    }
    expect((await userRest.getTask(untouched.id)).status).toBe('failed');
    await page.context().close();
  });

  it('pauses a queue so nothing new starts on it, then resumes it; REST agrees', async () => {
    const page = await openAs(admin, '/admin/queues');
    const row = page.locator('[data-testid="queue-row"][data-queue="diagnostics"]');
    await row.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
    expect(await page.getByTestId('queue-row').count()).toBe((await listQueuesOverRest()).length);
    let resumed = false;
    try {
      // Asked first; Keep sends nothing and the queue goes on running.
      await row.getByRole('button', { name: 'Pause queue diagnostics' }).click();
      const dialog = page.getByRole('dialog', { name: 'Pause the diagnostics queue?' });
      await dialog.getByRole('button', { name: 'Keep' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await listQueuesOverRest()).find((queue) => queue.name === 'diagnostics')).toEqual(
        expect.objectContaining({ paused: false }),
      );
      expect(await row.getByTestId('queue-state').textContent()).toContain('running');
      await row.getByRole('button', { name: 'Pause queue diagnostics' }).click();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await row.getByTestId('queue-state').filter({ hasText: 'paused' }).waitFor();
      expect((await listQueuesOverRest()).find((queue) => queue.name === 'diagnostics')).toEqual(
        expect.objectContaining({ paused: true }),
      );

      // Submitted while paused: it waits in the queue, and the page counts it by itself.
      const task = await userRest.createTask({
        type: 'diagnostics.simulate',
        payload: { steps: 2, stepMs: 10 },
      });
      await page.waitForFunction(
        () =>
          Number(
            document.querySelector(
              '[data-testid="queue-row"][data-queue="diagnostics"] [data-testid="queue-queued"]',
            )?.textContent,
          ) >= 1,
      );
      expect((await userRest.getTask(task.id)).status).toBe('queued');

      await row.getByRole('button', { name: 'Resume queue diagnostics' }).click();
      await row.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
      resumed = true;
      expect((await listQueuesOverRest()).find((queue) => queue.name === 'diagnostics')).toEqual(
        expect.objectContaining({ paused: false }),
      );
      await userRest.waitForTask(task.id, ['succeeded']);
    } finally {
      // Never leave the queue paused for the files after this one.
      if (!resumed)
        await adminRest.api.POST('/api/v1/queues/{name}/resume', {
          params: { path: { name: 'diagnostics' } },
        });
    }
    await page.context().close();
  });
});
