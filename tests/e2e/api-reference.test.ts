import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openRecordedPage, openSignedInPage } from '../support/browser';
import { createTestUser, type TestUser } from '../support/users';

// The API reference page in real Chromium: signed-in users find every operation of the served
// OpenAPI document, each with its anchor, within the app's CSP (no violation, no page error).

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;

beforeAll(async () => {
  user = await createTestUser('user', 'api-reference');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the API reference page', () => {
  it('lists every operation of the document with its responses, reachable by anchor', async () => {
    const document = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const operationIds = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    const events: string[] = [];
    const page = await openSignedInPage(
      browser,
      events,
      { baseUrl, cookie: user.cookie },
      '/api-reference',
    );
    await page.getByRole('heading', { name: 'API reference' }).waitFor();
    const shown = await page
      .getByTestId('api-operation')
      .evaluateAll((sections) => sections.map((section) => section.id));
    expect(shown.sort()).toEqual([...operationIds].sort());

    // The nav link jumps to the operation, which shows its documented answers.
    await page
      .getByRole('navigation', { name: 'Operations' })
      .getByRole('link', { name: 'post /api/v1/tasks/bulk', exact: true })
      .click();
    expect(page.url()).toMatch(/#runBulkTaskAction$/);
    const bulk = page.locator('#runBulkTaskAction');
    await expect(
      bulk
        .getByTestId('api-response')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status'))),
    ).resolves.toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(await bulk.getByText(/^Admins only\./).count()).toBe(1);
    // A schema reference leads to the schema's own entry.
    await bulk.getByRole('link', { name: 'Problem' }).first().click();
    expect(page.url()).toMatch(/#schema-Problem$/);
    // An event stream lists its events, each leading to its payload's schema.
    const feed = page.locator('#streamTaskEvents');
    await expect(
      feed
        .getByTestId('api-event')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event'))),
    ).resolves.toEqual(['task.snapshot', 'task.created', 'task.updated', 'stream.reset']);
    await feed.getByRole('link', { name: 'TaskUpdate' }).first().click();
    expect(page.url()).toMatch(/#schema-TaskUpdate$/);
    expect(events.filter((event) => /console|pageerror/.test(event))).toEqual([]);
  });

  it('sends a visitor who is not signed in to sign in', async () => {
    const events: string[] = [];
    const page = await openRecordedPage(browser, events);
    await page.goto(`${baseUrl}/api-reference`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
