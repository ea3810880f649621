import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openSignedInPage } from '../support/browser';
import { requireData } from '../support/api-client';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// The admin overview in real Chromium, against the production build and its real worker:
// figures pushed live over Socket.IO, without a reload, and pause and resume from the page.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let adminRest: RestClient;
let user: TestUser;
let userRest: RestClient;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'overview-admin');
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  user = await createTestUser('user', 'overview-user');
  userRest = createRestClient(baseUrl, await createTestApiKey(user));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openOverview(): Promise<Page> {
  const page = await openSignedInPage(
    browser,
    pageEvents,
    { baseUrl, cookie: admin.cookie },
    '/admin',
  );
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  // Survives only if the page is never reloaded: every change below must arrive live.
  await page.evaluate(() => {
    (window as unknown as { overviewMarker: string }).overviewMarker = 'same page';
  });
  return page;
}

async function expectSamePage(page: Page): Promise<void> {
  expect(
    await page.evaluate(() => (window as unknown as { overviewMarker?: string }).overviewMarker),
  ).toBe('same page');
}

/** The number a cell shows, read in the page. */
function readNumber(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => Number(document.querySelector(sel)?.textContent), selector);
}

async function waitForNumber(
  page: Page,
  selector: string,
  predicate: 'above' | 'atLeast',
  value: number,
): Promise<void> {
  await page.waitForFunction(
    ([sel, kind, bound]) => {
      const shown = Number(document.querySelector(sel as string)?.textContent);
      return kind === 'above' ? shown > (bound as number) : shown >= (bound as number);
    },
    [selector, predicate, value] as const,
  );
}

const diagnosticsRow = '[data-testid="queue-row"][data-queue="diagnostics"]';

describe('admin overview', () => {
  it('exists for admins only', async () => {
    const asUser = await fetch(`${baseUrl}/admin`, { headers: { cookie: user.cookie } });
    expect(asUser.status).toBe(404);
    const signedOut = await fetch(`${baseUrl}/admin`);
    expect(signedOut.status).toBe(404);
  });

  it('shows every queue and the running worker, then a task run live, without a reload', async () => {
    const page = await openOverview();
    const { data: queues } = requireData(await adminRest.api.GET('/api/v1/queues'));
    expect(await page.getByTestId('queue-row').count()).toBe(queues.length);
    const workerRow = page.getByTestId('worker-row').first();
    await workerRow.waitFor();
    expect(await workerRow.getByTestId('worker-queues').textContent()).toContain('diagnostics');
    await workerRow
      .getByTestId('worker-heartbeat')
      .filter({ hasText: /ago|just now/ })
      .waitFor();

    const finishedBefore = Number(
      await page.getByTestId('throughput-hour-summary').getAttribute('data-finished'),
    );
    const succeededBefore = await readNumber(
      page,
      `${diagnosticsRow} [data-testid="queue-succeeded"]`,
    );

    // Long enough to be seen running on the worker's row.
    const task = await userRest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 20, stepMs: 150 },
    });
    const job = page.locator(`[data-testid="worker-job"][data-task-id="${task.id}"]`);
    await job.waitFor();
    expect(await job.getByRole('link').getAttribute('href')).toBe(`/tasks/${task.id}`);
    await userRest.waitForTask(task.id, ['succeeded']);

    await job.waitFor({ state: 'detached' });
    await waitForNumber(
      page,
      `${diagnosticsRow} [data-testid="queue-succeeded"]`,
      'above',
      succeededBefore,
    );
    await page.waitForFunction(
      (before) =>
        Number(
          document
            .querySelector('[data-testid="throughput-hour-summary"]')
            ?.getAttribute('data-finished'),
        ) > before,
      finishedBefore,
    );
    expect(await page.getByTestId('throughput-hour-summary').textContent()).toMatch(
      /finished in the last hour/,
    );
    // Run times are of the day's figures, which each web process reuses for 30 s.
    await page
      .locator('[data-testid="duration-row"][data-type="diagnostics.simulate"]')
      .waitFor({ timeout: 45_000 });
    await expectSamePage(page);
    await page.context().close();
  });

  it('pauses the diagnostics queue from the page, shows tasks waiting, and resumes it', async () => {
    const page = await openOverview();
    const row = page.locator(diagnosticsRow);
    await row.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
    let resumed = false;
    try {
      await row.getByRole('button', { name: 'Pause queue diagnostics' }).click();
      await page
        .getByRole('dialog', { name: 'Pause the diagnostics queue?' })
        .getByRole('button', { name: 'Confirm' })
        .click();
      await row.getByTestId('queue-state').filter({ hasText: 'paused' }).waitFor();

      // Submitted while paused: it waits, and the page counts it without being asked.
      const task = await userRest.createTask({
        type: 'diagnostics.simulate',
        payload: { steps: 2, stepMs: 10 },
      });
      await waitForNumber(page, `${diagnosticsRow} [data-testid="queue-queued"]`, 'atLeast', 1);
      expect((await userRest.getTask(task.id)).status).toBe('queued');

      await row.getByRole('button', { name: 'Resume queue diagnostics' }).click();
      await row.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
      resumed = true;
      await userRest.waitForTask(task.id, ['succeeded']);
      await page.waitForFunction(
        (sel) => document.querySelector(sel)?.textContent === '0',
        `${diagnosticsRow} [data-testid="queue-queued"]`,
      );
    } finally {
      // Never leave the queue paused for the files after this one.
      if (!resumed)
        await adminRest.api.POST('/api/v1/queues/{name}/resume', {
          params: { path: { name: 'diagnostics' } },
        });
    }
    await expectSamePage(page);
    await page.context().close();
  });
});
