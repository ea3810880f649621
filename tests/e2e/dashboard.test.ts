import { readFile } from 'node:fs/promises';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { createApiClient, requireData, type CreateTaskBody } from '../support/api-client';
import { launchChromium, openRecordedPage } from '../support/browser';
import { lockTasksTable } from '../support/tasks-lock';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// The dashboard in real Chromium against the production build and a real worker.

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
let apiKey: string;

beforeAll(async () => {
  user = await createTestUser('user', 'dashboard');
  apiKey = await createTestApiKey(user);
  browser = await launchChromium();
});

/** Tasks created over REST as the same user the browser is signed in as. */
async function postTask(body: CreateTaskBody) {
  return requireData(await createApiClient(baseUrl, { apiKey }).POST('/api/v1/tasks', { body }));
}

afterAll(async () => {
  await browser?.close();
});

/** Every main-frame navigation and console error, to explain a failure (e.g. a surprise reload). */
const pageEvents: string[] = [];

async function openDashboard(): Promise<Page> {
  const page = await openRecordedPage(browser, pageEvents, {
    signedIn: { cookie: user.cookie, url: baseUrl },
    acceptDownloads: true,
  });
  await page.goto(baseUrl);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  return page;
}

/** Records, per task row, every value its progress bar shows, in order. */
async function recordProgressBars(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { progressSeen: Record<string, string[]> }).progressSeen = seen;
    const record = () => {
      for (const row of document.querySelectorAll('[data-testid="task-row"]')) {
        const id = row.getAttribute('data-task-id') ?? '';
        const value = row.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow');
        const values = (seen[id] ??= []);
        if (value != null && values.at(-1) !== value) values.push(value);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow', 'data-task-id'],
    });
  });
}

function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="task-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-task-id') ?? ''));
}

async function waitForNewRowId(page: Page, before: string[]): Promise<string> {
  const handle = await page.waitForFunction((known: string[]) => {
    const rows = [...document.querySelectorAll('[data-testid="task-row"]')];
    const fresh = rows.find((row) => !known.includes(row.getAttribute('data-task-id') ?? ''));
    return fresh?.getAttribute('data-task-id') ?? false;
  }, before);
  return (await handle.jsonValue()) as string;
}

async function progressSeen(page: Page, taskId: string): Promise<number[]> {
  const seen = await page.evaluate(
    () => (window as unknown as { progressSeen: Record<string, string[]> }).progressSeen,
  );
  return (seen[taskId] ?? []).map(Number);
}

describe('dashboard', () => {
  it('requests a report, shows it moving live to done, and downloads the CSV', async () => {
    const page = await openDashboard();
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To').fill(today);
    await recordProgressBars(page);
    expect(await page.getByLabel('From').inputValue()).toBe(from);
    // Other tier files may have created tasks already: find ours as the row that is new.
    const before = await rowIds(page);
    await page.getByRole('button', { name: 'Generate report' }).click();
    const taskId = await waitForNewRowId(page, before);

    const row = page.locator(`[data-task-id="${taskId}"]`);
    await row.locator('[data-testid="task-status"]', { hasText: 'succeeded' }).waitFor();
    const values = await progressSeen(page, taskId);
    // Context for a failure below: what the page went through and what the row shows.
    const context = JSON.stringify({ values, pageEvents, row: await row.innerHTML() });
    expect(values.length, context).toBeGreaterThan(2);
    expect(values.at(-1)).toBe(100);
    // It moved: values between the ends were shown, and it never went back.
    expect(values.filter((value) => value > 0 && value < 100).length).toBeGreaterThanOrEqual(2);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(await row.textContent()).toContain(`${from} → ${today}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`activity-${from}-to-${today}.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'date,type,status,count,avg_duration_ms,p50_duration_ms,p95_duration_ms,max_duration_ms',
    );
    // The report saw at least itself, running, today.
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${today},report\\.generate,running,\\d+,`)),
    );

    // A reload shows the persisted state, not a reset.
    await page.reload();
    const reloaded = page.locator(`[data-task-id="${taskId}"]`);
    await expect(reloaded.locator('[data-testid="task-status"]').textContent()).resolves.toBe(
      'succeeded',
    );
    await expect(
      reloaded.locator('[role="progressbar"]').getAttribute('aria-valuenow'),
    ).resolves.toBe('100');
    await page.close();
  });

  it('shows a task created elsewhere (REST) live, without a reload', async () => {
    const page = await openDashboard();
    const task = await postTask({
      type: 'diagnostics.simulate',
      payload: { steps: 5, stepMs: 100 },
    });
    const row = page.locator(`[data-task-id="${task.id}"]`);
    await row.locator('[data-testid="task-status"]', { hasText: 'running' }).waitFor();
    await row.locator('[data-testid="task-status"]', { hasText: 'succeeded' }).waitFor();
    expect(await row.locator('[data-testid="task-message"]').textContent()).toBe('Done');
    await page.close();
  });

  it('shows a failed task with its error', async () => {
    const page = await openDashboard();
    const task = await postTask({
      type: 'diagnostics.simulate',
      payload: { steps: 2, stepMs: 0, failAtStep: 1 },
    });
    const row = page.locator(`[data-task-id="${task.id}"]`);
    await row.locator('[data-testid="task-status"]', { hasText: 'failed' }).waitFor();
    expect(await row.locator('[data-testid="task-message"]').textContent()).toBe(
      'Simulated failure at step 1',
    );
    await page.close();
  });

  it('explains a bad date range next to the field and creates nothing', async () => {
    const page = await openDashboard();
    const rowsBefore = await page.locator('[data-testid="task-row"]').count();
    await page.getByLabel('From').fill('2026-02-01');
    await page.getByLabel('To').fill('2026-01-01');
    await page.getByRole('button', { name: 'Generate report' }).click();
    await page.getByText('from must be on or before to').waitFor();
    expect(await page.locator('[data-testid="task-row"]').count()).toBe(rowsBefore);
    await page.close();
  });

  it('the report form sends one task for a repeated submit, and a new one after it succeeded', async () => {
    const page = await openDashboard();
    // Users may ask for low or normal priority only.
    expect(
      await page
        .getByLabel('Priority')
        .locator('option')
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
    ).toEqual(['low', 'normal']);
    const guard = page.locator('input[type="hidden"][name="submissionId"]');
    const firstId = await guard.inputValue();
    expect(firstId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const before = await rowIds(page);
    // Two submits before the first answer (a double click that beats the disabled button).
    const answers: Promise<unknown>[] = [];
    const sent: string[] = [];
    const onRequest = (request: Request) => {
      if (request.method() === 'POST' && request.headers()['next-action']) {
        answers.push(request.response());
        sent.push(request.postData() ?? '');
      }
    };
    page.on('request', onRequest);
    await page.getByLabel('Priority').selectOption('low');
    const form = page.getByRole('form', { name: 'Request a report' });
    await form.evaluate((element) => {
      (element as HTMLFormElement).requestSubmit();
      (element as HTMLFormElement).requestSubmit();
    });
    await page.waitForFunction(
      (known) => document.querySelectorAll('[data-testid="task-row"]').length > known,
      before.length,
    );
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBe(2);
    await Promise.all(answers);
    page.off('request', onRequest);
    // Both carried the form's one id: the server made one task and replayed it for the second.
    expect(sent.every((body) => body.includes(firstId))).toBe(true);
    await form
      .getByRole('button', { name: 'Generate report' })
      .and(page.locator(':enabled'))
      .waitFor();
    const added = (await rowIds(page)).filter((id) => !before.includes(id));
    expect(added).toHaveLength(1);
    const reports = requireData(
      await createApiClient(baseUrl, { apiKey }).GET('/api/v1/tasks', {
        params: { query: { type: 'report.generate' } },
      }),
    );
    expect(reports.data.filter((report) => !before.includes(report.id))).toEqual([
      expect.objectContaining({ id: added[0], priority: 'low' }),
    ]);

    // After a success the form is a new request with a new id.
    await expect.poll(() => guard.inputValue(), { timeout: 30_000 }).not.toBe(firstId);
    await page.getByRole('button', { name: 'Generate report' }).click();
    await page.waitForFunction(
      (known) => document.querySelectorAll('[data-testid="task-row"]').length > known,
      before.length + 1,
    );
    await page.close();
  });

  it('says so when the statement timeout stopped the first page, instead of failing', async () => {
    // For real (tests/support/tasks-lock.ts), let go soon after so the page renders.
    const lock = await lockTasksTable(getEnv().DATABASE_URL, 1_500);
    try {
      const page = await openRecordedPage(browser, pageEvents, {
        signedIn: { cookie: user.cookie, url: baseUrl },
      });
      await page.goto(baseUrl);
      const alert = page.getByRole('alert').filter({ hasText: 'Narrow it' });
      await alert.waitFor();
      expect(await page.locator('[data-testid="task-row"]').count()).toBe(0);
      await page.close();
    } finally {
      await lock.release();
    }
  });
});
