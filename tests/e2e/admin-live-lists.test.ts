import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { closeClients } from '@/server/infra/clients';
import { requireData } from '@/tests/support/api-client';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// The admin lists in real Chromium, live: All tasks, Dead letters and Queues change while the
// page stays open (a marker set on window survives only if it is never reloaded), a filtered
// list drops a row that leaves its filter, and every count links to a list of exactly that
// many tasks. At 1440 px, and the dead letters again at 390.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let user: TestUser;
let userRest: RestClient;
const pageEvents: string[] = [];

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  admin = await createTestUser('admin', 'live-admin');
  user = await createTestUser('user', 'live-user');
  userRest = createRestClient(baseUrl, await createTestApiKey(user));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

/** An admin's page at `path`, live, marked so a reload would show. */
async function openLive(path: string, size = WIDE): Promise<Page> {
  const page = await openSignedInPage(browser, pageEvents, { baseUrl, cookie: admin.cookie }, path);
  await page.setViewportSize(size);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await page.evaluate(() => {
    (window as unknown as { liveMarker: string }).liveMarker = 'same page';
  });
  return page;
}

async function expectSamePage(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: string }).liveMarker)).toBe(
    'same page',
  );
}

const simple = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } } as const;
/** Fails all 3 of its attempts (500 ms backoff), then succeeds when retried by hand. */
const failing = {
  type: 'diagnostics.simulate',
  payload: { steps: 2, stepMs: 0, failAtStep: 1, failAttempts: 3 },
} as const;

const row = (page: Page, testId: string, task: Pick<TaskView, 'id'>) =>
  page.locator(`[data-testid="${testId}"][data-task-id="${task.id}"]`);

/** Rows of the list at `href`, every page of it, in a page of its own. */
async function countRows(href: string, testId = 'admin-task-row'): Promise<number> {
  const page = await openSignedInPage(browser, pageEvents, { baseUrl, cookie: admin.cookie }, href);
  let total = 0;
  for (;;) {
    await page.getByRole('heading', { level: 1 }).waitFor();
    total += await page.getByTestId(testId).count();
    const next = page.getByRole('link', { name: /Next page|Older dead letters/ });
    if ((await next.count()) === 0) break;
    // The URL this page had before the click: `page.url()` read inside the predicate would
    // already be the next page's, so the wait would never end.
    const current = page.url();
    const firstRow = await page.getByTestId(testId).first().getAttribute('data-task-id');
    await Promise.all([page.waitForURL((url) => url.href !== current), next.click()]);
    // Pages after a cursor are disjoint, so the next page has rendered once its first row differs.
    await page.waitForFunction(
      ([id, first]) =>
        document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-task-id') !== first,
      [testId, firstRow] as const,
    );
  }
  await page.context().close();
  return total;
}

/** A count link's number and where it leads. */
async function readCount(page: Page, selector: string): Promise<{ count: number; href: string }> {
  const link = page.locator(selector);
  await link.waitFor();
  const href = await link.getAttribute('href');
  expect(href).toBeTruthy();
  return { count: Number(await link.textContent()), href: href! };
}

/**
 * The list behind a live count holds exactly that many tasks. A task that ends meanwhile (a
 * leftover of an earlier file) moves the count: then the count is read again after the next
 * snapshot, and the list too, so only a count that held still is compared.
 */
async function expectListMatches(page: Page, selector: string): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    const before = await readCount(page, selector);
    const listed = await countRows(before.href);
    const stamp = await page.getByTestId('overview-updated').getAttribute('data-generated-at');
    await page.waitForFunction(
      (seen) =>
        document
          .querySelector('[data-testid="overview-updated"]')
          ?.getAttribute('data-generated-at') !== seen,
      stamp,
    );
    const after = await readCount(page, selector);
    if (before.count === after.count || tries === 3) {
      expect({ selector, listed }).toEqual({ selector, listed: before.count });
      return;
    }
  }
}

describe('live admin lists', () => {
  it('All tasks: a new task appears and runs to its end without a reload', async () => {
    const page = await openLive(`/admin/tasks?owner=${user.principal.userId}`);
    const task = await userRest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 6, stepMs: 150 },
    });
    const shown = row(page, 'admin-task-row', task);
    await shown.waitFor();
    await shown
      .getByTestId('task-status')
      .filter({ hasText: /^succeeded$/ })
      .waitFor();
    // A task of another owner does not pass this filter, so it never shows.
    const other = await createRestClient(baseUrl, await createTestApiKey(admin)).createTask(simple);
    await userRest.waitForTask(task.id, ['succeeded']);
    expect(await row(page, 'admin-task-row', other).count()).toBe(0);
    await expectSamePage(page);
    await page.context().close();
  });

  it('All tasks filtered by status: a new task that passes comes, a row that leaves the filter goes', async () => {
    const page = await openLive(`/admin/tasks?status=delayed&owner=${user.principal.userId}`);
    const waiting = await userRest.createTask({ ...simple, delayMs: 86_400_000 });
    const shown = row(page, 'admin-task-row', waiting);
    await shown.waitFor();
    requireData(
      await userRest.api.POST('/api/v1/tasks/{id}/cancel', {
        params: { path: { id: waiting.id } },
      }),
    );
    // Cancelled is not delayed: the list reads its page again and the row goes.
    await shown.waitFor({ state: 'detached' });
    await expectSamePage(page);
    await page.context().close();
  });

  it('Dead letters: a task that fails appears with the count, and goes when retried (1440 and 390)', async () => {
    for (const size of [WIDE, PHONE]) {
      const page = await openLive('/admin/dead-letters', size);
      const before = (await readCount(page, '[data-testid="dead-letter-count"]')).count;
      const task = await userRest.createTask(failing);
      const shown = row(page, 'dead-letter-row', task);
      await shown.waitFor();
      await page.waitForFunction(
        (expected) =>
          Number(document.querySelector('[data-testid="dead-letter-count"]')?.textContent) >=
          expected,
        before + 1,
      );
      requireData(
        await userRest.api.POST('/api/v1/tasks/{id}/retry', { params: { path: { id: task.id } } }),
      );
      await shown.waitFor({ state: 'detached' });
      await userRest.waitForTask(task.id, ['succeeded']);
      await expectSamePage(page);
      await page.context().close();
    }
  });

  it('Queues: counts move by themselves, and each is a link to that many tasks', async () => {
    const page = await openLive('/admin/queues');
    const diagnostics = '[data-testid="queue-row"][data-queue="diagnostics"]';
    const scheduled = `${diagnostics} [data-testid="queue-scheduled"]`;
    const before = (await readCount(page, scheduled)).count;
    const waiting = await userRest.createTask({ ...simple, delayMs: 86_400_000 });
    await page.waitForFunction(
      ([sel, expected]) =>
        Number(document.querySelector(sel as string)?.textContent) === (expected as number),
      [scheduled, before + 1] as const,
    );
    await expectSamePage(page);

    for (const key of ['scheduled', 'failed', 'succeeded', 'queued', 'running']) {
      const selector = `${diagnostics} [data-testid="queue-${key}"]`;
      const { href } = await readCount(page, selector);
      expect(new URL(href, baseUrl).searchParams.get('queue')).toBe('diagnostics');
      await expectListMatches(page, selector);
    }
    requireData(
      await userRest.api.POST('/api/v1/tasks/{id}/cancel', {
        params: { path: { id: waiting.id } },
      }),
    );
    await page.context().close();
  });

  it("the overview's counts link to lists of the same size; dead letters agree with the queues", async () => {
    // One dead letter at least, finished within the hour.
    const task = await userRest.createTask(failing);
    await userRest.waitForTask(task.id, ['failed']);
    const page = await openLive('/admin');
    const diagnostics = '[data-testid="queue-row"][data-queue="diagnostics"]';
    // The snapshot that counts it (pushed every few seconds).
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.textContent) >= 1,
      '[data-testid="failed-hour"]',
    );
    const failedHour = await readCount(page, '[data-testid="failed-hour"]');
    expect(new URL(failedHour.href, baseUrl).searchParams.get('finishedFrom')).toBeTruthy();
    await expectListMatches(page, '[data-testid="failed-hour"]');
    await expectListMatches(page, '[data-testid="decided-hour"]');

    let deadLetters = 0;
    for (const queue of await page.getByTestId('queue-row').all()) {
      deadLetters += Number(await queue.getByTestId('queue-failed').textContent());
    }
    await expectListMatches(page, `${diagnostics} [data-testid="queue-failed"]`);
    await page.context().close();

    // The Dead letters page counts what the queues' dead letters add up to, and lists them.
    const dead = await openLive('/admin/dead-letters');
    const total = await readCount(dead, '[data-testid="dead-letter-count"]');
    expect(total.count).toBe(deadLetters);
    expect(await countRows(total.href)).toBe(total.count);
    expect(await countRows('/admin/dead-letters', 'dead-letter-row')).toBe(total.count);
    await dead.context().close();
    requireData(
      await userRest.api.POST('/api/v1/tasks/{id}/retry', { params: { path: { id: task.id } } }),
    );
    await userRest.waitForTask(task.id, ['succeeded']);
  });
});
