import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// "Run a task" in real Chromium: the form built from the type's schema, filled by label, with a
// priority and a delay; the run opens on its own task page; a bad value is named at its field.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let adminRest: RestClient;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'run-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openAsAdmin(path: string): Promise<Page> {
  return openSignedInPage(browser, pageEvents, { baseUrl, cookie: admin.cookie }, path);
}

async function openRunPage(path = '/admin/run'): Promise<Page> {
  const page = await openAsAdmin(path);
  // The submit button is enabled once the form is live (hydrated).
  await page.waitForFunction(() => {
    const button = document.querySelector<HTMLButtonElement>(
      'form[aria-label="Run a task"] button[type="submit"]',
    );
    return button !== null && !button.disabled;
  });
  return page;
}

/** The texts an element's aria-describedby points at: its help and its error. */
async function descriptionOf(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' | '),
  );
}

describe('run a task by hand', () => {
  it('is linked from the admin navigation, and preselects the type named in the address', async () => {
    const page = await openAsAdmin('/admin');
    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Run a task' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/run`);
    await page.getByRole('heading', { name: 'Run a task' }).waitFor();
    await page.context().close();

    const preselected = await openRunPage('/admin/run?type=report.generate');
    expect(await preselected.getByLabel('Task type').inputValue()).toBe('report.generate');
    // Its own settings, from its schema.
    await preselected.getByLabel('Kind', { exact: true }).waitFor();
    // Internal types are listed, but cannot be chosen.
    const internal = preselected.locator('option[value="file.process"]');
    expect(await internal.isDisabled()).toBe(true);
    expect(await internal.textContent()).toContain('upload a file instead');
    await preselected.context().close();
  });

  it('runs diagnostics.simulate with high priority after a delay, and opens the delayed task', async () => {
    const page = await openRunPage();
    await page.getByLabel('Task type').selectOption('diagnostics.simulate');
    await page.getByText('Queue diagnostics').waitFor();
    // Defaults from the schema fill the form.
    expect(await page.getByLabel('Steps', { exact: true }).inputValue()).toBe('10');

    await page.getByLabel('Steps', { exact: true }).fill('4');
    await page.getByLabel('Step ms', { exact: true }).fill('25');
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('After a delay').check();
    await page.getByLabel('Delay amount').fill('10');
    await page.getByLabel('Delay unit').selectOption('minutes');
    const submitted = Date.now();
    await page.getByRole('button', { name: 'Run task' }).click();

    const outcome = page.getByTestId('run-outcome');
    await outcome.filter({ hasText: 'Task scheduled for' }).waitFor();
    // The form stays filled for another run.
    expect(await page.getByLabel('Steps', { exact: true }).inputValue()).toBe('4');

    await outcome.getByRole('link', { name: 'Open the task' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    const taskId = new URL(page.url()).pathname.split('/').at(-1)!;
    await page
      .getByTestId('task-detail')
      .getByTestId('task-status')
      .filter({ hasText: 'delayed' })
      .waitFor();

    const task = await adminRest.getTask(taskId);
    expect(task).toMatchObject({
      type: 'diagnostics.simulate',
      status: 'delayed',
      priority: 'high',
      payload: { steps: 4, stepMs: 25 },
      ownerId: admin.principal.userId,
    });
    const runAt = Date.parse(task.runAt ?? '');
    expect(runAt).toBeGreaterThan(submitted + 9 * 60_000);
    expect(runAt).toBeLessThan(Date.now() + 10 * 60_000 + 5_000);
    // Never run: cancel it so nothing is left waiting for the files after this one.
    await adminRest.api.POST('/api/v1/tasks/{id}/cancel', { params: { path: { id: taskId } } });
    await page.context().close();
  });

  it('shows the server’s error under the field that caused it, and edits the payload as JSON', async () => {
    const page = await openRunPage('/admin/run?type=diagnostics.simulate');
    const steps = page.getByLabel('Steps', { exact: true });
    await steps.fill('0');
    await page.getByRole('button', { name: 'Run task' }).click();

    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    expect(await steps.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, 'Steps')).toMatch(/>=\s*1/);
    expect(await page.getByTestId('run-outcome').count()).toBe(0);

    // The same payload as JSON; a parse error is shown, and fixing it updates the fields.
    await page.getByRole('button', { name: 'Edit as JSON' }).click();
    const json = page.getByLabel('Payload JSON');
    expect(JSON.parse(await json.inputValue())).toMatchObject({ steps: 0 });
    await json.fill('{ "steps": ');
    await page.getByText(/^Not valid JSON/).waitFor();
    await json.fill('{ "steps": 2, "stepMs": 5 }');
    await page.getByRole('button', { name: 'Back to the fields' }).click();
    expect(await steps.inputValue()).toBe('2');
    expect(await page.getByLabel('Step ms', { exact: true }).inputValue()).toBe('5');
    await page.context().close();
  });
});
