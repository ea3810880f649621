import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { launchChromium, openSignedInPage } from '../support/browser';
import { countOwnedStatuses, seedOwnedTasks } from '../support/owned-tasks';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// In real Chromium, at 1440 and 390 px: "Act on all matching" on All tasks (counts per action
// first, then one confirmed action over the whole filter, checked against the database) and on
// Dead letters; "Replay with changes" on a finished task's page (field errors from the type's
// schema, then the new task's page, linked back to the original).

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
const pageEvents: string[] = [];

const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

beforeAll(async () => {
  admin = await createTestUser('admin', 'filter-bulk-admin');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openAs(who: TestUser, path: string, size: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await openSignedInPage(browser, pageEvents, { baseUrl, cookie: who.cookie }, path);
  await page.setViewportSize(size);
  return page;
}

/** The section fits the screen: nothing of it is cut off at the right edge. */
async function expectWithinWidth(page: Page, width: number): Promise<void> {
  const box = await page.getByTestId('filter-bulk').boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

describe('bulk actions over a filter', () => {
  for (const size of WIDTHS) {
    it(`previews the counts, then cancels and deletes every match after confirming (${size.width} px)`, async () => {
      const owner = await createTestUser('user', `filter-bulk-${size.width}`);
      await seedOwnedTasks(owner, 'delayed', 3);
      await seedOwnedTasks(owner, 'failed', 2);
      const page = await openAs(
        admin,
        `/admin/tasks?owner=${encodeURIComponent(owner.email)}`,
        size,
      );
      const section = page.getByRole('region', { name: 'Act on all matching tasks' });
      await section
        .getByRole('button', { name: 'Act on all tasks that match these filters…' })
        .click();
      const preview = section.getByTestId('filter-bulk-preview');
      await preview
        .filter({
          hasText: '5 tasks match: 3 can be cancelled, 2 can be retried, 2 can be deleted.',
        })
        .waitFor();
      await expectWithinWidth(page, size.width);

      await section.getByRole('button', { name: 'Cancel 3 matching' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel 3 tasks that match?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('not only this page');
      // Keep backs out: nothing changed.
      await dialog.getByRole('button', { name: 'Keep' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await countOwnedStatuses(owner)).toEqual({ delayed: 3, failed: 2 });

      await section.getByRole('button', { name: 'Cancel 3 matching' }).click();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await section.getByTestId('filter-bulk-summary').filter({ hasText: '3 cancelled' }).waitFor();
      expect(await countOwnedStatuses(owner)).toEqual({ cancelled: 3, failed: 2 });

      // Counted again: everything is finished now, and a repeat of the cancel has nothing to do.
      await section
        .getByRole('button', { name: 'Act on all tasks that match these filters…' })
        .click();
      await preview
        .filter({
          hasText: '5 tasks match: 0 can be cancelled, 5 can be retried, 5 can be deleted.',
        })
        .waitFor();
      expect(await section.getByRole('button', { name: 'Cancel 0 matching' }).isDisabled()).toBe(
        true,
      );
      await section.getByRole('button', { name: 'Delete 5 matching' }).click();
      const deleting = page.getByRole('dialog', { name: 'Delete 5 tasks that match?' });
      await deleting.getByRole('button', { name: 'Confirm' }).click();
      await section.getByTestId('filter-bulk-summary').filter({ hasText: '5 deleted' }).waitFor();
      expect(await countOwnedStatuses(owner)).toEqual({});
      await page.getByText('No tasks match these filters').waitFor();
      await page.context().close();
    });
  }

  it('retries every failed match of a filter (390 px), and counts the dead letters (1440 px)', async () => {
    const owner = await createTestUser('user', 'filter-bulk-retry');
    await seedOwnedTasks(owner, 'failed', 4);
    const narrow = await openAs(
      admin,
      `/admin/tasks?owner=${encodeURIComponent(owner.email)}&status=failed`,
      WIDTHS[1],
    );
    const section = narrow.getByRole('region', { name: 'Act on all matching tasks' });
    await section.getByRole('button', { name: /^Act on all tasks/ }).click();
    await section.getByRole('button', { name: 'Retry 4 matching' }).click();
    await narrow
      .getByRole('dialog', { name: 'Retry 4 tasks that match?' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    // A toast says it started and links to the bulk task; the section follows it live to its end.
    const toast = narrow.getByTestId('toast').filter({ hasText: 'Retry started over the filter' });
    await toast.waitFor();
    const toastHref = await toast.getByRole('link').getAttribute('href');
    await section.getByTestId('filter-bulk-summary').filter({ hasText: '4 retried' }).waitFor();
    expect(await section.getByTestId('filter-bulk-task').getAttribute('data-status')).toBe(
      'succeeded',
    );
    const bulkHref = await section
      .getByRole('link', { name: 'View the bulk task' })
      .getAttribute('href');
    expect(bulkHref).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
    expect(toastHref).toBe(bulkHref);
    const bulkTask = await getPrisma().task.findUniqueOrThrow({
      where: { id: bulkHref!.slice('/tasks/'.length) },
    });
    expect(bulkTask).toMatchObject({ type: 'tasks.bulk', status: 'succeeded', progress: 100 });
    expect(bulkTask.result).toMatchObject({ action: 'retry', matched: 4, succeeded: 4 });
    const after = await countOwnedStatuses(owner);
    expect(Object.values(after).reduce((a, b) => a + b, 0)).toBe(4);
    expect(after.failed ?? 0).toBe(0);
    await narrow.context().close();

    // Dead letters: every failed task. Counted, then left alone (other tests' tasks are there).
    await seedOwnedTasks(owner, 'failed', 2);
    const failed = await getPrisma().task.count({ where: { status: 'failed' } });
    const wide = await openAs(admin, '/admin/dead-letters', WIDTHS[0]);
    const letters = wide.getByRole('region', { name: 'Act on all matching tasks' });
    await letters.getByRole('button', { name: 'Act on all dead letters…' }).click();
    await letters
      .getByTestId('filter-bulk-preview')
      .filter({
        hasText: `${failed} task${failed === 1 ? '' : 's'} match: ${failed} can be retried.`,
      })
      .waitFor();
    await letters.getByRole('button', { name: `Retry ${failed} matching` }).click();
    await wide.getByRole('dialog').getByRole('button', { name: 'Keep' }).click();
    expect(await getPrisma().task.count({ where: { status: 'failed' } })).toBe(failed);
    await wide.context().close();
  });
});

describe('replay with changes', () => {
  let owner: TestUser;
  let rest: RestClient;

  beforeAll(async () => {
    owner = await createTestUser('user', 'replayer');
    rest = createRestClient(baseUrl, await createTestApiKey(owner));
  });

  for (const size of WIDTHS) {
    it(`edits a finished task's payload, shows the schema's field errors, and opens the new task (${size.width} px)`, async () => {
      const original = await rest.createTask({
        type: 'diagnostics.simulate',
        payload: { steps: 2, stepMs: 0 },
      });
      await rest.waitForTask(original.id, ['succeeded']);
      const page = await openAs(owner, `/tasks/${original.id}`, size);
      await page.getByRole('button', { name: 'Replay with changes' }).click();
      const form = page.getByRole('form', { name: 'Replay with changes' });
      const steps = form.getByLabel('Steps', { exact: true });
      // Prefilled with the original payload.
      expect(await steps.inputValue()).toBe('2');
      await steps.fill('5000');
      await form.getByRole('button', { name: 'Replay' }).click();
      // A user's limit on steps, from the type's own schema, on its field; nothing was created.
      await form.getByText('At most 1,000 steps').first().waitFor();
      expect(page.url()).toBe(`${baseUrl}/tasks/${original.id}`);
      expect(await steps.inputValue()).toBe('5000');

      await steps.fill('3');
      await form.getByRole('button', { name: 'Replay' }).click();
      await page.waitForURL(
        (url) => url.pathname.startsWith('/tasks/') && !url.pathname.endsWith(original.id),
      );
      const newId = new URL(page.url()).pathname.split('/').at(-1) as string;
      const back = page.getByTestId('replay-links').getByRole('link').first();
      expect(await back.getAttribute('href')).toBe(`/tasks/${original.id}`);
      const replay = await rest.waitForTask(newId, ['succeeded']);
      expect(replay.payload).toEqual({ steps: 3, stepMs: 0 });
      const row = await getPrisma().task.findUniqueOrThrow({ where: { id: newId } });
      expect(row.replayOfTaskId).toBe(original.id);
      // Nothing is wider than the screen.
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(size.width);
      // The original links to its replay.
      await page.goto(`${baseUrl}/tasks/${original.id}`);
      await page.getByTestId('replay-links').getByRole('link').first().click();
      await page.waitForURL(`${baseUrl}/tasks/${newId}`);
      await page.context().close();
    });
  }

  it('offers no replay to a task that has not finished, nor to another user', async () => {
    const waiting = await rest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    const page = await openAs(owner, `/tasks/${waiting.id}`, WIDTHS[0]);
    await page.getByTestId('task-detail').waitFor();
    expect(await page.getByRole('button', { name: 'Replay with changes' }).count()).toBe(0);
    await page.context().close();
    const other = await createTestUser('user', 'replay-other');
    const response = await fetch(`${baseUrl}/tasks/${waiting.id}`, {
      headers: { cookie: other.cookie },
    });
    expect(response.status).toBe(404);
    await rest.api.POST('/api/v1/tasks/{id}/cancel', { params: { path: { id: waiting.id } } });
  });
});
