import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import { scratchKeyFor } from '@/server/tasks/types/diagnostics-simulate-processor';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { launchChromium, openRecordedPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import {
  createRestClient,
  readHistory,
  recordStatuses,
  statusesSeen,
  taskRow,
  waitForRowStatus,
  type RestClient,
} from './lifecycle-helpers';

// The task lifecycle from the dashboard, in real Chromium against the production build and a
// real worker: cancel (prompt and forced), retry by hand, delayed tasks.

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
let rest: RestClient;
/** diagnostics.stall is for admins. */
let admin: TestUser;
let adminRest: RestClient;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  user = await createTestUser('user', 'lifecycle');
  rest = createRestClient(baseUrl, await createTestApiKey(user));
  admin = await createTestUser('admin', 'lifecycle-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openDashboard(as: TestUser = user): Promise<Page> {
  const page = await openRecordedPage(browser, pageEvents, {
    signedIn: { cookie: as.cookie, url: baseUrl },
  });
  await page.goto(baseUrl);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await recordStatuses(page);
  return page;
}

/** Cancelling a running task is asked first, naming the task: confirm it. */
async function confirmCancel(page: Page, taskId: string): Promise<void> {
  const dialog = page.getByRole('dialog', {
    name: new RegExp(`^Cancel the running task .+ \\(${shortTaskId(taskId)}\\)\\?$`),
  });
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

describe('task lifecycle in the browser', () => {
  it('cancels a running task: it stops, its cleanup runs, and it ends cancelled', async () => {
    const page = await openDashboard();
    const task = await rest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 300, stepMs: 100, scratch: true },
    });
    const row = taskRow(page, task.id);
    await waitForRowStatus(row, 'running');
    // It is really working: progress moves and the time left is estimated from it.
    await page.waitForFunction(
      (id) =>
        Number(
          document
            .querySelector(`[data-task-id="${id}"] [role="progressbar"]`)
            ?.getAttribute('aria-valuenow'),
        ) >= 2,
      task.id,
    );
    await row
      .getByTestId('task-timing')
      .filter({ hasText: /^about .+ left$/ })
      .waitFor();
    expect(await getStorage().exists(scratchKeyFor(task.id, 1))).toBe(true);

    await row.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirmCancel(page, task.id);
    await waitForRowStatus(row, 'cancelled');
    const seen = await statusesSeen(page, task.id);
    expect(seen, JSON.stringify({ seen, pageEvents })).not.toContain('succeeded');
    expect(seen.at(-1)).toBe('cancelled');
    expect(seen).toContain('running');
    // Once cancelled, it can be retried, not cancelled again.
    await row.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await row.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);

    // The timeline has every step, the stop confirmed by the processor itself.
    expect(await readHistory(row, 'cancelled')).toEqual([
      '→queued',
      'queued→running',
      'running→cancelling',
      'cancelling→cancelled',
    ]);
    expect(
      await row.locator('[data-testid="task-transition"][data-to="cancelled"]').textContent(),
    ).toContain('Stopped on request.');

    const cancelled = await rest.getTask(task.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', attempts: 1, error: null });
    expect(cancelled.progress).toBeLessThan(100);
    // Progress stopped: while another task runs five steps on the same worker, this one's
    // state does not move, and its scratch file was removed by the processor's cleanup.
    const marker = await rest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 5, stepMs: 100 },
    });
    await rest.waitForTask(marker.id, ['succeeded']);
    const later = await rest.getTask(task.id);
    expect(later).toMatchObject({
      status: 'cancelled',
      progress: cancelled.progress,
      revision: cancelled.revision,
      seq: cancelled.seq,
    });
    expect(await getStorage().exists(scratchKeyFor(task.id, 1))).toBe(false);
    await closePage(page);
  });

  it('shows cancelling until a task that ignores the stop is forced to cancelled', async () => {
    const page = await openDashboard(admin);
    // diagnostics.stall (admins only) ignores its abort signal: the stop is forced at the deadline.
    const task = await adminRest.createTask({
      type: 'diagnostics.stall',
      payload: { durationMs: 20_000 },
    });
    const row = taskRow(page, task.id);
    await waitForRowStatus(row, 'running');
    await row.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirmCancel(page, task.id);

    await waitForRowStatus(row, 'cancelling');
    const waiting = row.getByRole('button', { name: 'Cancelling…' });
    await waiting.waitFor();
    expect(await waiting.isDisabled()).toBe(true);
    await row
      .getByTestId('task-timing')
      .filter({ hasText: /^Stopping: requested \d+ s ago$/ })
      .waitFor();
    expect((await adminRest.getTask(task.id)).status).toBe('cancelling');

    // The deadline (CANCEL_DEADLINE_MS, 10 s by default) passes; generous room beyond it.
    await row
      .getByTestId('task-status')
      .filter({ hasText: /^cancelled$/ })
      .waitFor({ timeout: 45_000 });
    const seen = await statusesSeen(page, task.id);
    expect(seen.slice(seen.indexOf('running'))).toEqual(['running', 'cancelling', 'cancelled']);
    expect(await readHistory(row, 'cancelled')).toContain('cancelling→cancelled');
    expect(
      await row.locator('[data-testid="task-transition"][data-to="cancelled"]').textContent(),
    ).toContain('Forced');
    expect((await adminRest.getTask(task.id)).status).toBe('cancelled');
    await closePage(page);
  });

  it('retries a failed task by hand: it runs again and succeeds, its history kept', async () => {
    const page = await openDashboard();
    // Fails at step 1 on its three automatic attempts; the fourth (by hand) gets through.
    const task = await rest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 40, stepMs: 100, failAtStep: 1, failAttempts: 3 },
    });
    const row = taskRow(page, task.id);
    await waitForRowStatus(row, 'failed');
    expect(await row.getByTestId('task-message').textContent()).toBe('Simulated failure at step 1');
    const failed = await rest.getTask(task.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, maxAttempts: 3 });

    await row.getByRole('button', { name: 'Retry' }).click();
    await waitForRowStatus(row, 'running');
    await waitForRowStatus(row, 'succeeded');
    const seen = await statusesSeen(page, task.id);
    expect(seen.slice(seen.lastIndexOf('failed'))).toEqual(
      expect.arrayContaining(['failed', 'running', 'succeeded']),
    );
    expect(await row.getByTestId('task-message').textContent()).toBe('Done');
    expect(await row.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    const history = await readHistory(row, 'succeeded');
    expect(history.filter((step) => step === 'running→retrying')).toHaveLength(2);
    expect(history.slice(-4)).toEqual([
      'running→failed',
      'failed→queued',
      'queued→running',
      'running→succeeded',
    ]);
    expect(
      await row.locator('[data-testid="task-transition"][data-from="failed"]').textContent(),
    ).toContain('Retried by hand.');
    expect(await rest.getTask(task.id)).toMatchObject({
      status: 'succeeded',
      attempts: 4,
      maxAttempts: 6,
      error: null,
    });
    await closePage(page);
  });

  it('counts down to a delayed task’s start, tags its priority, and cancels it at once', async () => {
    const page = await openDashboard();
    const task = await rest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      priority: 'low',
      delayMs: 120_000,
    });
    const row = taskRow(page, task.id);
    await waitForRowStatus(row, 'delayed');
    expect(await row.getByTestId('task-priority').textContent()).toBe('low priority');
    const timing = row.getByTestId('task-timing');
    await timing.filter({ hasText: /^Starts in (2 min|1 min \d+ s)$/ }).waitFor();
    // It ticks: the text changes without any event from the server.
    const first = await timing.textContent();
    await page.waitForFunction(
      ([id, text]) =>
        document.querySelector(`[data-task-id="${id}"] [data-testid="task-timing"]`)
          ?.textContent !== text,
      [task.id, first] as const,
    );
    expect(await timing.textContent()).toMatch(/^Starts in 1 min \d+ s$/);

    // Not started, nothing to lose: one click, no question.
    await row.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForRowStatus(row, 'cancelled');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await readHistory(row, 'cancelled')).toEqual(['→delayed', 'delayed→cancelled']);
    expect(await rest.getTask(task.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
    await closePage(page);
  });
});
