import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openRecordedPage } from '../support/browser';
import { createTestUser, type TestUser } from '../support/users';

// A submit that fails (refused by the server, never sent because the browser is offline, or
// answered by something in between: a balancer's 503 with Retry-After, a proxy's 500 page)
// keeps the page and what was typed, and says what happened once.

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
const events: string[] = [];

beforeAll(async () => {
  user = await createTestUser('user', 'form-failures');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function openAt(path: string): Promise<Page> {
  const page = await openRecordedPage(browser, events, {
    signedIn: { cookie: user.cookie, url: baseUrl },
  });
  await page.goto(baseUrl + path);
  return page;
}

const navigations = () => events.filter((event) => event.startsWith('navigated')).length;

describe('forms on failure', () => {
  it('keeps the report form and its dates when the server refuses them, with one error', async () => {
    const page = await openAt('/');
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await page.getByLabel('From').fill('2026-02-01');
    await page.getByLabel('To').fill('2026-01-01');
    await page.getByRole('button', { name: 'Generate report' }).click();
    await page.getByText('from must be on or before to').waitFor();
    const form = page.getByRole('form', { name: 'Request a report' });
    expect(await form.getByRole('alert').count()).toBe(0);
    expect(await form.getByText('from must be on or before to').count()).toBe(1);
    expect(await page.locator('input[name="from"]').inputValue()).toBe('2026-02-01');
    expect(await page.locator('input[name="to"]').inputValue()).toBe('2026-01-01');
    await page.close();
  });

  it('keeps the page and the input when offline, and sends once back online', async () => {
    const page = await openAt('/');
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    const before = navigations();
    const rows = await page.locator('[data-testid="task-row"]').count();
    await page.getByLabel('From').fill('2026-01-03');
    await page.getByLabel('To').fill('2026-01-05');
    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'Generate report' }).click();
    const alert = page.getByRole('form', { name: 'Request a report' }).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('You are offline');
    expect(await page.locator('input[name="from"]').inputValue()).toBe('2026-01-03');
    expect(await page.locator('input[name="to"]').inputValue()).toBe('2026-01-05');
    expect(await page.getByText('This page could not be loaded').count()).toBe(0);
    expect(navigations()).toBe(before);

    await page.context().setOffline(false);
    await page.getByRole('button', { name: 'Generate report' }).click();
    await page.locator('[data-testid="task-row"]').nth(rows).waitFor();
    expect(await alert.count()).toBe(0);
    // Sent: the form starts over.
    expect(await page.locator('input[name="from"]').inputValue()).not.toBe('2026-01-03');
    await page.close();
  });

  const proxyAnswers: Array<{ status: number; headers: Record<string, string>; body: string }> = [
    { status: 503, headers: { 'retry-after': '5' }, body: '<h1>503 Service Unavailable</h1>' },
    { status: 500, headers: {}, body: 'Internal Server Error' },
  ];
  for (const answer of proxyAnswers) {
    it(`keeps the page and the input when a proxy answers ${answer.status}, and sends on retry`, async () => {
      const page = await openAt('/');
      await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
      const before = navigations();
      const rows = await page.locator('[data-testid="task-row"]').count();
      // What a balancer or proxy in front of Taskdeck answers when the node behind it is gone:
      // not a server action's answer, so the page must not take it for one.
      let refused = 0;
      await page.route(
        (url) => url.origin === new URL(baseUrl).origin,
        async (route) => {
          if (route.request().method() !== 'POST' || !route.request().headers()['next-action'])
            return route.continue();
          refused += 1;
          await route.fulfill({
            status: answer.status,
            headers: { 'content-type': 'text/html', ...answer.headers },
            body: answer.body,
          });
        },
      );
      await page.getByLabel('From').fill('2026-01-07');
      await page.getByLabel('To').fill('2026-01-09');
      await page.getByRole('button', { name: 'Generate report' }).click();
      const alert = page.getByRole('form', { name: 'Request a report' }).getByRole('alert');
      await alert.waitFor();
      expect(refused).toBe(1);
      expect(await alert.textContent()).toContain('could not be reached');
      expect(await alert.count()).toBe(1);
      expect(await page.locator('input[name="from"]').inputValue()).toBe('2026-01-07');
      expect(await page.locator('input[name="to"]').inputValue()).toBe('2026-01-09');
      expect(await page.getByText('This page could not be loaded').count()).toBe(0);
      expect(navigations()).toBe(before);
      expect(await page.locator('[data-testid="task-row"]').count()).toBe(rows);

      // The node is back: the same button sends what was kept, once.
      await page.unrouteAll();
      await page.getByRole('button', { name: 'Generate report' }).click();
      await page.locator('[data-testid="task-row"]').nth(rows).waitFor();
      expect(await alert.count()).toBe(0);
      expect(await page.locator('[data-testid="task-row"]').count()).toBe(rows + 1);
      await page.close();
    });
  }

  it('keeps the API key name when creating it fails offline', async () => {
    const page = await openAt('/settings/api-keys');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByLabel('Key name').fill('nightly export');
    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'Create key' }).click();
    const alert = page.getByRole('form', { name: 'Create an API key' }).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('You are offline');
    expect(await page.getByLabel('Key name').inputValue()).toBe('nightly export');
    await page.context().setOffline(false);
    await page.close();
  });
});
