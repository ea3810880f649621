import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiClient, requireData } from '../support/api-client';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

// Webhooks against the production build, its web process and a real worker: the settings page
// in Chromium (add → secret shown once → a task ends → the delivery shows → redeliver), and
// the REST contract. A real receiver on loopback verifies every request with standardwebhooks
// (the e2e env sets WEBHOOK_ALLOW_PRIVATE_TARGETS=true).

const baseUrl = inject('baseUrl');
const receiver = new WebhookReceiver();
const events: string[] = [];
let browser: Browser;
let user: TestUser;
let apiKey: string;

const api = () => createApiClient(baseUrl, { apiKey });

async function finishTask(): Promise<string> {
  const created = await api().POST('/api/v1/tasks', {
    body: { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } },
  });
  expect(created.response.status).toBe(201);
  return requireData(created).id;
}

beforeAll(async () => {
  user = await createTestUser('user', 'webhooks');
  apiKey = await createTestApiKey(user);
  await receiver.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await receiver.stop();
});

/** Reloads until the endpoint's first delivery row shows `status`; returns the row. */
async function waitForDeliveryRow(page: Page, status: string, attempts: string) {
  return waitFor(
    async () => {
      await page.reload();
      const row = page.locator('[data-testid="webhook-delivery-row"]').first();
      if ((await row.count()) === 0) return undefined;
      const shown = await row.locator('[data-testid="webhook-delivery-status"]').textContent();
      const tries = await row.locator('[data-testid="webhook-delivery-attempts"]').textContent();
      return shown === status && tries === attempts ? row : undefined;
    },
    `a ${status} delivery row with ${attempts} attempt(s)`,
    30_000,
  );
}

describe('the webhooks settings page', () => {
  it('adds an endpoint, shows its secret once, lists a delivery and redelivers it', async () => {
    const path = `/page-${randomUUID()}`;
    const page = await openSignedInPage(
      browser,
      events,
      { baseUrl, cookie: user.cookie },
      '/settings/webhooks',
    );
    await page.getByLabel('Endpoint URL').fill(receiver.url(path));
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secretField = page.locator('#new-webhook-secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    receiver.expectSecret(path, secret);
    await page.locator('[data-testid="webhook-endpoint"]').waitFor();

    // Shown once: a reload has the endpoint, not its secret.
    await page.reload();
    await page.locator('[data-testid="webhook-endpoint"]').waitFor();
    expect(await page.locator('#new-webhook-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    const taskId = await finishTask();
    const [first] = await waitFor(
      async () => (receiver.at(path).length > 0 ? receiver.at(path) : undefined),
      'the first delivery',
      30_000,
    );
    expect(first?.verifyError).toBeNull();
    expect(first?.verified).toMatchObject({ type: 'task.succeeded', data: { id: taskId } });

    const row = await waitForDeliveryRow(page, 'delivered', '1');
    expect(await row.locator('[data-testid="webhook-delivery-code"]').textContent()).toBe('200');
    await row.getByRole('button', { name: /^Redeliver/ }).click();
    const again = await waitFor(
      async () => (receiver.at(path).length > 1 ? receiver.at(path)[1] : undefined),
      'the redelivery',
      30_000,
    );
    expect(again.id).toBe(first?.id);
    expect(again.verifyError).toBeNull();
    await waitForDeliveryRow(page, 'delivered', '2');
    expect(events.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });
});

describe('the webhooks REST API', () => {
  it('creates with a secret shown once, lists without it, pages deliveries, deletes', async () => {
    const path = `/rest-${randomUUID()}`;
    const created = await api().POST('/api/v1/webhooks', {
      body: { url: receiver.url(path), events: ['task.succeeded'] },
    });
    expect(created.response.status).toBe(201);
    const endpoint = requireData(created);
    expect(created.response.headers.get('location')).toBe(`/api/v1/webhooks/${endpoint.id}`);
    expect(endpoint).toMatchObject({ scope: 'own', enabled: true, events: ['task.succeeded'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    receiver.expectSecret(path, endpoint.secret);

    const listed = requireData(await api().GET('/api/v1/webhooks'));
    const mine = listed.data.find((entry) => entry.id === endpoint.id);
    expect(mine).toBeDefined();
    expect(mine).not.toHaveProperty('secret');

    const taskId = await finishTask();
    const page = await waitFor(
      async () => {
        const { data: body } = await api().GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { limit: 1 } },
        });
        return body?.data[0]?.status === 'delivered' ? body : undefined;
      },
      'a delivered delivery over REST',
      30_000,
    );
    expect(page.data[0]).toMatchObject({ aboutTaskId: taskId, lastStatusCode: 200 });

    const refused = await api().POST('/api/v1/webhooks', {
      body: { url: receiver.url(path), events: ['task.failed'], scope: 'all' },
    });
    expect(refused.response.status).toBe(403);
    expect(refused.response.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const byId = { params: { path: { id: endpoint.id } } };
    expect((await api().DELETE('/api/v1/webhooks/{id}', byId)).response.status).toBe(204);
    expect((await api().GET('/api/v1/webhooks/{id}', byId)).response.status).toBe(404);
  });
});
