import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getEnv } from '@/lib/env';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openSignedInPage } from '../support/browser';
import { lockTasksTable } from '../support/tasks-lock';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// The admin task list in real Chromium: filters that live in the URL, a row opening its task
// page, and bulk delete behind a confirmation dialog, checked against the REST API.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let user: TestUser;
let userRest: RestClient;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'tasks-admin');
  user = await createTestUser('user', 'tasks-user');
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

const rowOf = (page: Page, task: TaskView) =>
  page.locator(`[data-testid="admin-task-row"][data-task-id="${task.id}"]`);

describe('admin task list', () => {
  it('exists for admins only', async () => {
    expect(
      (await fetch(`${baseUrl}/admin/tasks`, { headers: { cookie: user.cookie } })).status,
    ).toBe(404);
    const page = await openAs(admin, '/admin/queues');
    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'All tasks' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/tasks`);
    await page.getByRole('heading', { name: 'All tasks' }).waitFor();
    await page.context().close();
  });

  it('filters by type and owner, opens a task, and bulk-deletes the finished ones after confirming', async () => {
    const simple = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };
    const first = await userRest.createTask(simple);
    const second = await userRest.createTask(simple);
    // Due tomorrow: unfinished all along, so delete must skip it.
    const waiting = await userRest.createTask({ ...simple, delayMs: 86_400_000 });
    const report = await userRest.createTask({
      type: 'report.generate',
      payload: { from: '2020-01-01', to: '2020-01-01' },
    });
    for (const task of [first, second, report]) await userRest.waitForTask(task.id, ['succeeded']);

    const page = await openAs(admin, '/admin/tasks');
    const form = page.getByRole('form', { name: 'Filter tasks' });
    await form.getByLabel('Type').selectOption('diagnostics.simulate');
    await form.getByLabel('Owner email').fill(user.email);
    await form.getByRole('button', { name: 'Apply filters' }).click();
    // The filters are in the URL: the view is a link.
    await page.waitForURL((url) => {
      const params = new URL(url).searchParams;
      return params.get('type') === 'diagnostics.simulate' && params.get('owner') === user.email;
    });
    const filteredUrl = page.url();
    for (const task of [first, second, waiting]) await rowOf(page, task).waitFor();
    expect(await rowOf(page, report).count()).toBe(0);
    expect(await page.getByTestId('admin-task-row').count()).toBe(3);
    expect(await rowOf(page, waiting).getByTestId('task-status').textContent()).toBe('delayed');
    expect(await rowOf(page, first).textContent()).toContain(user.email);

    // A row opens its task page.
    await rowOf(page, first)
      .getByRole('link', { name: `Open task ${first.id}` })
      .click();
    await page.waitForURL(`${baseUrl}/tasks/${first.id}`);
    await page.goto(filteredUrl);
    await rowOf(page, first).waitFor();

    for (const task of [first, second, waiting]) {
      await page.getByLabel(`Select task ${task.id}`).check();
    }
    const deleteButton = page.getByRole('button', { name: 'Delete 3 selected' });
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete 3 tasks?' });
    await dialog.waitFor();
    // Escape backs out, like Keep: nothing is deleted.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(
      (await userRest.api.GET('/api/v1/tasks/{id}', { params: { path: { id: first.id } } }))
        .response.status,
    ).toBe(200);
    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(
      (await userRest.api.GET('/api/v1/tasks/{id}', { params: { path: { id: second.id } } }))
        .response.status,
    ).toBe(200);

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByTestId('bulk-summary')
      .filter({ hasText: '2 deleted, 1 skipped: still delayed' })
      .waitFor();
    // The list is read again: the deleted ones are gone, the unfinished one stays.
    await rowOf(page, first).waitFor({ state: 'detached' });
    await rowOf(page, second).waitFor({ state: 'detached' });
    expect(await rowOf(page, waiting).count()).toBe(1);
    for (const task of [first, second]) {
      expect(
        (await userRest.api.GET('/api/v1/tasks/{id}', { params: { path: { id: task.id } } }))
          .response.status,
      ).toBe(404);
    }
    expect((await userRest.getTask(waiting.id)).status).toBe('delayed');

    // The same link, opened afresh, shows the same view.
    await page.goto(filteredUrl);
    await rowOf(page, waiting).waitFor();
    expect(await page.getByTestId('admin-task-row').count()).toBe(1);
    await page.context().close();
    await userRest.api.POST('/api/v1/tasks/{id}/cancel', { params: { path: { id: waiting.id } } });
  });

  it('says when no task matches, and explains a filter it cannot use', async () => {
    const page = await openAs(
      admin,
      `/admin/tasks?owner=${encodeURIComponent(user.email)}&q=zzz-no-such-text`,
    );
    await page.getByText('No tasks match these filters').waitFor();
    await page.getByRole('link', { name: 'Clear filters' }).waitFor();
    await page.goto(`${baseUrl}/admin/tasks?q=ab`);
    const alert = page.getByRole('alert').filter({ hasText: 'at least 3 characters' });
    await alert.waitFor();
    await alert.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL(`${baseUrl}/admin/tasks`);
    await page.context().close();
  });

  it('asks to narrow a search its statement timeout stopped, instead of failing', async () => {
    // For real (tests/support/tasks-lock.ts): held past TASK_LIST_STATEMENT_TIMEOUT_MS, then
    // let go so the rest of the page can render.
    const lock = await lockTasksTable(getEnv().DATABASE_URL, 1_500);
    try {
      const page = await openAs(admin, '/admin/tasks?q=report');
      const alert = page.getByRole('alert').filter({ hasText: 'Narrow it' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain('add a type, an owner, a status or a time range');
      await page.context().close();
    } finally {
      await lock.release();
    }
  });
});
