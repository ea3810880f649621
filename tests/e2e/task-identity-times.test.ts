import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatLocalTime } from '@/lib/time/format-time';
import { createApiClient, requireData, type ApiSchemas } from '../support/api-client';
import { launchChromium, openRecordedPage } from '../support/browser';
import { waitFor } from '../support/wait-for';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Tasks made within a second share the start of their UUIDv7: rows must still tell them apart,
// and every time must read in the reader's zone (here one no server runs in: UTC+5:30).

const baseUrl = inject('baseUrl');
const ZONE = 'Asia/Kolkata';
let browser: Browser;
let user: TestUser;
let apiKey: string;
const events: string[] = [];

beforeAll(async () => {
  user = await createTestUser('user', 'identity-times');
  apiKey = await createTestApiKey(user);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function createTask(): Promise<ApiSchemas['Task']> {
  const result = await createApiClient(baseUrl, { apiKey }).POST('/api/v1/tasks', {
    body: { type: 'diagnostics.simulate', payload: { steps: 2, stepMs: 300 } },
  });
  expect(result.response.status).toBe(201);
  return requireData(result);
}

async function readTask(id: string): Promise<ApiSchemas['Task']> {
  return requireData(
    await createApiClient(baseUrl, { apiKey }).GET('/api/v1/tasks/{id}', {
      params: { path: { id } },
    }),
  );
}

describe('task identity and times', () => {
  it('gives tasks made together different short ids, relative times and run times', async () => {
    const tasks = await Promise.all([createTask(), createTask(), createTask()]);
    expect(new Set(tasks.map((task) => task.id.slice(0, 6))).size).toBe(1);
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: user.cookie, url: baseUrl },
      timezoneId: ZONE,
    });
    await page.goto(baseUrl);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();

    const shown: string[] = [];
    for (const task of tasks) {
      const row = page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`);
      await row.locator('[data-testid="task-status"]', { hasText: 'succeeded' }).waitFor();
      const shortId = (await row.locator('[data-testid="task-short-id"]').textContent()) ?? '';
      expect(task.id.replaceAll('-', '').endsWith(shortId)).toBe(true);
      shown.push(shortId);
      const created = row.locator(`time[datetime="${task.createdAt}"]`);
      expect(await created.textContent()).toMatch(/^(just now|\d+ s ago)$/);
      expect(await created.getAttribute('title')).toBe(
        formatLocalTime(task.createdAt, ZONE, { withZone: true }),
      );
      const ran = (await row.locator('[data-testid="task-run-time"]').textContent()) ?? '';
      expect(ran).toMatch(/^ · ran (\d+ ms|\d+\.\d s)$/);
    }
    expect(new Set(shown).size).toBe(3);

    const [first] = tasks;
    const done = await waitFor(async () => {
      const task = await readTask(first!.id);
      return task.finishedAt ? task : undefined;
    }, 'the first task to finish');
    await page.goto(`${baseUrl}/tasks/${first!.id}`);
    const timings = page.locator('[data-testid="task-timings"]');
    const finished = timings.locator(`time[datetime="${done.finishedAt}"]`);
    await finished.waitFor();
    // Written in the reader's zone once the page is live, the zone named on hover.
    await waitFor(
      async () =>
        (await finished.textContent()) === formatLocalTime(done.finishedAt!, ZONE)
          ? true
          : undefined,
      'the finish time in the reader’s zone',
    );
    expect(await finished.getAttribute('title')).toBe(
      formatLocalTime(done.finishedAt!, ZONE, { withZone: true }),
    );
    expect(await finished.getAttribute('title')).toContain('GMT+5:30');
    // Each task page has a title of its own: tabs and history tell tasks apart.
    expect(await page.title()).toBe(
      [done.label, done.summary, shown[0], 'Taskdeck'].filter(Boolean).join(' · '),
    );
    // The server writes UTC and the browser hydrates the same text before switching zones.
    expect(events.filter((event) => /^pageerror|hydrat/i.test(event))).toEqual([]);
    await page.close();
  });

  it('heads the dashboard, and on a phone shows the task list before the forms', async () => {
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: user.cookie, url: baseUrl },
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(baseUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    const list = await page.getByRole('region', { name: 'Tasks' }).boundingBox();
    const upload = await page.getByRole('region', { name: 'Process files' }).boundingBox();
    expect(list!.y).toBeLessThan(upload!.y);
    await page.setViewportSize({ width: 1440, height: 900 });
    const wideList = await page.getByRole('region', { name: 'Tasks' }).boundingBox();
    const wideUpload = await page.getByRole('region', { name: 'Process files' }).boundingBox();
    expect(wideList!.x).toBeGreaterThan(wideUpload!.x);
    await page.close();
  });
});
