import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClients } from '@/server/infra/clients';
import { requireData } from '@/tests/support/api-client';
import { launchChromium, openSignedInPage } from '../support/browser';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { createRestClient, type RestClient } from './lifecycle-helpers';

// A failed task's stack and cause chain, as Flower shows a traceback: on the task page and in
// GET /api/v1/tasks/{id} for admins, folded; never for the owner, who sees the message.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let user: TestUser;
let userRest: RestClient;
let adminRest: RestClient;
const pageEvents: string[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin', 'detail-admin');
  user = await createTestUser('user', 'detail-user');
  userRest = createRestClient(baseUrl, await createTestApiKey(user));
  adminRest = createRestClient(baseUrl, await createTestApiKey(admin));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

async function openAs(who: TestUser, path: string, width: number): Promise<Page> {
  const page = await openSignedInPage(browser, pageEvents, { baseUrl, cookie: who.cookie }, path);
  await page.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
  return page;
}

/** A V8 stack frame line. */
const STACK_FRAME = /\n\s+at .+/;

describe('error detail', () => {
  it('an admin sees the stack, folded, as it fails while the page is open; the owner never', async () => {
    // Slow enough for the page to be open before the first attempt fails.
    const task = await userRest.createTask({
      type: 'diagnostics.simulate',
      payload: { steps: 4, stepMs: 400, failAtStep: 3, failAttempts: 5 },
    });
    const page = await openAs(admin, `/tasks/${task.id}`, 1440);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { detailMarker: string }).detailMarker = 'same page';
    });
    const detail = page.getByTestId('task-error-detail');
    await page
      .getByTestId('task-status')
      .filter({ hasText: /^failed$/ })
      .waitFor({ timeout: 30_000 });
    await detail.waitFor();
    const pre = detail.getByLabel('Error stack and cause');
    expect(await pre.isVisible()).toBe(false);
    await detail.getByText('Stack and cause (admins only)').click();
    await pre.waitFor();
    const text = (await pre.textContent()) ?? '';
    expect(text.startsWith('Error: Simulated failure at step 3')).toBe(true);
    expect(text).toMatch(STACK_FRAME);
    // It came without a reload (the page was read again in place).
    expect(
      await page.evaluate(() => (window as unknown as { detailMarker?: string }).detailMarker),
    ).toBe('same page');
    await page.context().close();

    // REST: the admin gets it, the owner does not (not even the key).
    const asAdmin = requireData(
      await adminRest.api.GET('/api/v1/tasks/{id}', { params: { path: { id: task.id } } }),
    );
    expect(asAdmin.errorDetail?.text).toBe(text);
    const asOwner = await userRest.getTask(task.id);
    expect(asOwner).not.toHaveProperty('errorDetail');
    expect(JSON.stringify(asOwner)).not.toMatch(STACK_FRAME);

    // At both widths: the owner reads the message and no detail; the admin's folds in the screen.
    for (const width of [1440, 390]) {
      const owner = await openAs(user, `/tasks/${task.id}`, width);
      await owner
        .getByTestId('task-error')
        .filter({ hasText: 'Simulated failure at step 3' })
        .waitFor();
      expect(await owner.getByTestId('task-error-detail').count()).toBe(0);
      expect(await owner.content()).not.toContain('diagnostics-simulate-processor');
      await owner.context().close();

      const again = await openAs(admin, `/tasks/${task.id}`, width);
      const folded = again.getByTestId('task-error-detail');
      await folded.getByText('Stack and cause (admins only)').click();
      await folded.getByLabel('Error stack and cause').waitFor();
      const box = await folded.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      await again.context().close();
    }
  });
});
