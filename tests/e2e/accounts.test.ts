import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openRecordedPage } from '../support/browser';
import { createTestUser } from '../support/users';

// Accounts in real Chromium against the production build: sign up, sign in and out, who sees
// whose tasks, API keys made and revoked in the UI, and what admins see of it.

const baseUrl = inject('baseUrl');
let browser: Browser;

/** Every main-frame navigation and browser error, to explain a failure. */
const pageEvents: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // createTestUser talks to the e2e database from this process.
  await closeClients();
});

interface Account {
  name: string;
  email: string;
  password: string;
}

function newAccount(label: string): Account {
  return {
    name: `E2E ${label}`,
    email: `${label}-${randomUUID().slice(0, 8)}@example.test`,
    password: `pw-${randomUUID()}`,
  };
}

/** A fresh browser context: no cookies from another test. */
function openPage(): Promise<Page> {
  return openRecordedPage(browser, pageEvents);
}

async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

async function expectSignedInAs(page: Page, email: string): Promise<void> {
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId('current-user').filter({ hasText: email }).waitFor();
}

async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel('Name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expectSignedInAs(page, account.email);
}

async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectSignedInAs(page, account.email);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${baseUrl}/sign-in`);
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
  expect(await page.getByTestId('current-user').count()).toBe(0);
}

function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="task-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-task-id') ?? ''));
}

/** Requests a report on the dashboard; resolves with its task id once it has succeeded. */
async function generateReport(page: Page): Promise<string> {
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  const before = await rowIds(page);
  await page.getByRole('button', { name: 'Generate report' }).click();
  const handle = await page.waitForFunction((known: string[]) => {
    const rows = [...document.querySelectorAll('[data-testid="task-row"]')];
    const fresh = rows.find((row) => !known.includes(row.getAttribute('data-task-id') ?? ''));
    return fresh?.getAttribute('data-task-id') ?? false;
  }, before);
  const taskId = (await handle.jsonValue()) as string;
  await page
    .locator(`[data-task-id="${taskId}"] [data-testid="task-status"]`, { hasText: 'succeeded' })
    .waitFor();
  return taskId;
}

/**
 * GET /api/v1/tasks with the key, from a loopback address of its own: failed keys are limited
 * per client address, and the fuzz and outage files send many from 127.0.0.1 shortly before.
 */
function listTasksWithKey(key: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}/api/v1/tasks`,
      { headers: { authorization: `Bearer ${key}` }, localAddress: '127.0.0.2' },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('accounts', () => {
  it('keeps each user to their own tasks, and shows admins everyone’s', async () => {
    const alice = newAccount('alice');
    const bob = newAccount('bob');
    const page = await openPage();

    // Signed out, the dashboard sends you to sign in.
    await page.goto(baseUrl);
    await page.waitForURL(`${baseUrl}/sign-in`);

    await signUp(page, alice);
    expect(await page.getByTestId('admin-badge').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    const aliceTask = await generateReport(page);
    await signOut(page);

    await signUp(page, bob);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    expect(await page.locator(`[data-task-id="${aliceTask}"]`).count(), pageEvents.join('\n')).toBe(
      0,
    );
    const bobTask = await generateReport(page);
    expect(await page.locator(`[data-task-id="${aliceTask}"]`).count()).toBe(0);
    // Admin pages do not exist for a user.
    expect((await page.goto(`${baseUrl}/admin/users`))?.status()).toBe(404);
    expect((await page.goto(`${baseUrl}/admin/audit`))?.status()).toBe(404);
    // Signed in, the sign-in page sends you home.
    await page.goto(`${baseUrl}/sign-in`);
    await page.waitForURL(`${baseUrl}/`);
    await signOut(page);

    const admin = await createTestUser('admin');
    await signIn(page, admin);
    await page.getByTestId('admin-badge').waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Tasks', 'API keys', 'Admin']) {
      await nav.getByRole('link', { name }).waitFor();
    }
    const aliceRow = page.locator(`[data-task-id="${aliceTask}"]`);
    const bobRow = page.locator(`[data-task-id="${bobTask}"]`);
    await aliceRow.waitFor();
    await bobRow.waitFor();
    expect(await aliceRow.getByTestId('task-owner').textContent()).toBe(`Owner: ${alice.email}`);
    expect(await bobRow.getByTestId('task-owner').textContent()).toBe(`Owner: ${bob.email}`);

    // The users page lists both, with their roles.
    await nav.getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(`${baseUrl}/admin`);
    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/users`);
    expect(await page.getByLabel(`Role of ${alice.email}`).inputValue()).toBe('user');
    expect(await page.getByLabel(`Role of ${admin.email}`).inputValue()).toBe('admin');
    await closePage(page);
  });

  it('creates an API key shown once, which works until it is revoked; admins see both in the audit log', async () => {
    const carol = newAccount('carol');
    const page = await openPage();
    await signUp(page, carol);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'API keys' })
      .click();
    await page.waitForURL(`${baseUrl}/settings/api-keys`);
    await page.getByText('No API keys yet').waitFor();

    await page.getByLabel('Key name').fill('e2e key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.getByRole('textbox', { name: 'New API key' });
    await secretBox.waitFor();
    const key = await secretBox.inputValue();
    expect(key).toMatch(/^tdk_\S{30,}$/);
    await page.getByText('it will not be shown again').waitFor();
    const row = page.locator('[data-testid="api-key-row"]', { hasText: 'e2e key' });
    await row.getByTestId('api-key-status').filter({ hasText: 'active' }).waitFor();
    const keyId = await row.getAttribute('data-key-id');
    expect(await row.textContent()).toContain(`${key.slice(0, 12)}…`);

    expect((await listTasksWithKey(key)).status).toBe(200);

    // Shown once: after a reload, only the prefix is left.
    await page.reload();
    await row.waitFor();
    expect(await page.getByRole('textbox', { name: 'New API key' }).count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    // Revoking asks first; cancelling keeps the key.
    await row.getByRole('button', { name: 'Revoke e2e key' }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Revoke e2e key' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByTestId('api-key-status').filter({ hasText: 'revoked' }).waitFor();
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0);

    const afterRevoke = await listTasksWithKey(key);
    expect(afterRevoke.status).toBe(401);
    await closePage(page);

    const admin = await createTestUser('admin');
    const adminPage = await openPage();
    await signIn(adminPage, admin);
    await adminPage.goto(`${baseUrl}/admin`);
    await adminPage.getByRole('link', { name: 'Audit log' }).click();
    await adminPage.waitForURL(`${baseUrl}/admin/audit`);
    for (const action of ['api_key.create', 'api_key.revoke']) {
      await adminPage.getByLabel('Action').selectOption(action);
      await adminPage.getByLabel('Actor email contains').fill(carol.email);
      await adminPage.getByRole('button', { name: 'Filter' }).click();
      await adminPage.waitForURL((url) => url.searchParams.get('action') === action);
      const rows = adminPage.getByTestId('audit-row');
      await rows.first().waitFor();
      expect(
        await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-action'))),
      ).toEqual([action]);
      const text = await rows.first().textContent();
      expect(text).toContain(carol.email);
      expect(text).toContain(`api_key:${keyId}`);
      expect(text).toContain('"name":"e2e key"');
    }

    // A filter the schema rejects is explained, not a crash.
    await adminPage.goto(`${baseUrl}/admin/audit?from=yesterday`);
    await adminPage
      .getByRole('alert')
      .filter({ hasText: 'These filters cannot be used' })
      .waitFor();
    await closePage(adminPage);
  });

  it('explains sign-up and sign-in failures, and rate-limits repeated sign-in attempts', async () => {
    const dave = newAccount('dave');
    const page = await openPage();
    await signUp(page, dave);
    await signOut(page);

    // The same email again.
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel('Name').fill('Someone else');
    await page.getByLabel('Email').fill(dave.email);
    await page.getByLabel('Password').fill(`pw-${randomUUID()}`);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();

    // Too short a password, as the server says it (the browser's own check is taken away).
    const password = page.getByLabel('Password');
    await password.evaluate((input) => input.removeAttribute('minlength'));
    await page.getByLabel('Email').fill(newAccount('erin').email);
    await password.fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: 'at least 8 characters' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await page.waitForURL(`${baseUrl}/sign-in`);

    // Wrong passwords until the guard answers 429, which the form turns into a wait time.
    await page.getByLabel('Email').fill(dave.email);
    await page.getByLabel('Password').fill('not-the-password');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 20 && statuses.at(-1) !== 429; attempt++) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in/email')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      statuses.push(response.status());
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
      if (attempt === 0) {
        await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      }
    }
    expect(statuses.at(-1), JSON.stringify(statuses)).toBe(429);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    const alert = page.getByRole('alert').filter({ hasText: 'Too many attempts' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    await closePage(page);
  });
});
