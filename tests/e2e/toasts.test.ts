import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openRecordedPage } from '../support/browser';
import { createTestUser, type TestUser } from '../support/users';

// Every mutation is acknowledged by one toast from useAction's success path, at a desktop and
// a phone width: it is announced (role=status), its link leads to the task, it can be
// dismissed, and a refused submit toasts nothing (its error stays inline).

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
const events: string[] = [];

beforeAll(async () => {
  user = await createTestUser('user', 'toasts');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function openAt(path: string, width: number, height: number): Promise<Page> {
  const page = await openRecordedPage(browser, events, {
    signedIn: { cookie: user.cookie, url: baseUrl },
  });
  await page.setViewportSize({ width, height });
  await page.goto(baseUrl + path);
  return page;
}

const toasts = (page: Page) => page.getByRole('status').and(page.getByTestId('toasts'));

describe.each([
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
])('toasts at $width px', ({ width, height }) => {
  it('acknowledges a report with a link, reached by keyboard, that opens its task', async () => {
    const page = await openAt('/', width, height);
    try {
      await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
      const before = await page.locator('[data-testid="task-row"]').count();
      await page.getByRole('button', { name: 'Generate report' }).click();
      const toast = toasts(page).getByTestId('toast');
      await toast.filter({ hasText: 'Report queued' }).waitFor();
      expect(await toast.count()).toBe(1);
      await page.locator('[data-testid="task-row"]').nth(before).waitFor();
      const link = toast.getByRole('link', { name: 'view task' });
      const href = await link.getAttribute('href');
      const taskId = /^\/tasks\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1];
      // The task the toast links to is the one that just appeared in the list.
      expect(taskId).toBeDefined();
      expect(await page.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`).count()).toBe(
        1,
      );

      // Inside the screen, on a phone too.
      const box = await toast.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      expect(box!.y + box!.height).toBeLessThanOrEqual(height);

      await link.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${baseUrl}/tasks/${taskId}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      // Followed, it is gone.
      expect(await toasts(page).getByTestId('toast').count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('is dismissed by its button, and a refused submit toasts nothing', async () => {
    const page = await openAt('/settings/api-keys', width, height);
    try {
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByLabel('Key name').fill(`toast key ${width}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      const toast = toasts(page).getByTestId('toast');
      await toast.filter({ hasText: `API key “toast key ${width}” created` }).waitFor();
      // Not about a task: no link.
      expect(await toast.getByRole('link').count()).toBe(0);
      await toast.getByRole('button', { name: 'Dismiss notification' }).click();
      await toast.waitFor({ state: 'detached' });

      const report = await openAt('/', width, height);
      try {
        await report.locator('[data-testid="connection"][data-state="live"]').waitFor();
        await report.getByLabel('From').fill('2026-02-01');
        await report.getByLabel('To').fill('2026-01-01');
        await report.getByRole('button', { name: 'Generate report' }).click();
        await report.getByText('from must be on or before to').waitFor();
        expect(await toasts(report).getByTestId('toast').count()).toBe(0);
      } finally {
        await report.context().close();
      }
    } finally {
      await page.context().close();
    }
  });
});
