import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openRecordedPage, openSignedInPage } from '../support/browser';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Account policy in real Chromium against the production build: an invitation made on the
// admin users page signs its invitee up once (a web process of its own with SIGNUP_MODE=invite,
// on the same database), and a ban from that page ends the user's access at once.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'policy-admin');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await killAllSpawned();
  await closeClients();
});

async function startInviteOnlyWeb(): Promise<string> {
  const web = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
    SIGNUP_MODE: 'invite',
  });
  const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
  return url!;
}

async function signUpWith(page: Page, email: string): Promise<void> {
  await page.getByLabel('Name').fill('Invited Person');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(`pw-${randomUUID()}`);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

describe('account policy in the browser', () => {
  it('signs an invitee up once with the link an admin made; without one sign-up is refused', async () => {
    const url = await startInviteOnlyWeb();
    const adminPage = await openSignedInPage(
      browser,
      pageEvents,
      { baseUrl: url, cookie: admin.cookie },
      '/admin/users',
    );
    await adminPage.getByTestId('signup-mode').filter({ hasText: 'by invitation' }).waitFor();
    const email = `invitee-${randomUUID().slice(0, 8)}@example.test`;
    await adminPage.getByLabel('Invite by email').fill(email);
    await adminPage.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = (await adminPage.getByTestId('invitation-link').textContent())!;
    expect(link).toMatch(new RegExp(`^${url}/sign-up\\?invite=tdi_`));
    await adminPage.context().close();

    const stranger = await openRecordedPage(browser, pageEvents);
    await stranger.goto(`${url}/sign-up`);
    await stranger.getByRole('heading', { name: 'Sign-up is by invitation' }).waitFor();
    expect(await stranger.getByRole('button', { name: 'Sign up' }).count()).toBe(0);
    await stranger.context().close();

    const invitee = await openRecordedPage(browser, pageEvents);
    await invitee.goto(link);
    await signUpWith(invitee, email);
    await invitee.waitForURL(`${url}/`);
    await invitee.context().close();

    // Used: the same link again is refused, with the reason.
    const again = await openRecordedPage(browser, pageEvents);
    await again.goto(link);
    await signUpWith(again, email);
    await again.getByRole('alert').filter({ hasText: 'cannot be used' }).waitFor();
    await again.context().close();
  });

  it('bans a user from the users page: their key and session stop at once; unban restores the key', async () => {
    const user = await createTestUser('user', 'to-ban');
    const key = await createTestApiKey(user);
    const listTasks = () =>
      fetch(`${baseUrl}/api/v1/tasks`, { headers: { authorization: `Bearer ${key}` } });
    expect((await listTasks()).status).toBe(200);

    const page = await openSignedInPage(
      browser,
      pageEvents,
      { baseUrl, cookie: admin.cookie },
      '/admin/users',
    );
    const row = page.locator(`[data-testid="user-row"][data-user-id="${user.principal.userId}"]`);
    await row.getByRole('button', { name: 'Ban' }).click();
    await page
      .getByRole('dialog', { name: `Ban ${user.email}?` })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await row
      .getByTestId('user-access')
      .filter({ hasText: /^banned$/ })
      .waitFor();
    expect((await listTasks()).status).toBe(401);
    const signedOut = await fetch(`${baseUrl}/api/v1/tasks`, { headers: { cookie: user.cookie } });
    expect(signedOut.status).toBe(401);

    await row.getByRole('button', { name: 'Unban' }).click();
    await page
      .getByRole('dialog', { name: `Unban ${user.email}?` })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await row
      .getByTestId('user-access')
      .filter({ hasText: /^active$/ })
      .waitFor();
    expect((await listTasks()).status).toBe(200);
    await page.context().close();
  });

  it('renders the Ban button disabled until the page has hydrated, so an early click is never lost', async () => {
    const user = await createTestUser('user', 'early-click');
    const rowOf = (page: Page) =>
      page.locator(`[data-testid="user-row"][data-user-id="${user.principal.userId}"]`);
    // Without JavaScript the page is exactly what the server sent: the button is there, and off.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const [name, value] = admin.cookie.split('=', 2) as [string, string];
    await context.addCookies([{ name, value, url: baseUrl }]);
    const still = await context.newPage();
    await still.goto(`${baseUrl}/admin/users`);
    expect(await rowOf(still).getByRole('button', { name: 'Ban' }).isDisabled()).toBe(true);
    await context.close();

    const page = await openSignedInPage(
      browser,
      pageEvents,
      { baseUrl, cookie: admin.cookie },
      '/admin/users',
    );
    const ban = rowOf(page).getByRole('button', { name: 'Ban' });
    await expect.poll(() => ban.isEnabled(), { timeout: 30_000 }).toBe(true);
    await ban.click();
    const dialog = page.getByRole('dialog', { name: `Ban ${user.email}?` });
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rowOf(page).getByTestId('user-access').textContent()).toBe('active');
    await page.context().close();
  });
});
