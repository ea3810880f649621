import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openRecordedPage } from '../support/browser';
import { makeJpegWithExif, MESSY_CSV } from '../support/upload-files';
import { createTestUser, type TestUser } from '../support/users';

// Uploading from the dashboard and following the task on its page, in real Chromium.

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
const pageEvents: string[] = [];

beforeAll(async () => {
  user = await createTestUser('user', 'browser-uploader');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function openDashboard(): Promise<Page> {
  const page = await openRecordedPage(browser, pageEvents, {
    signedIn: { cookie: user.cookie, url: baseUrl },
    acceptDownloads: true,
  });
  await page.goto(baseUrl);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  return page;
}

/** Uploads through the picker, then opens the new task's page from its row. */
async function uploadAndOpen(page: Page, name: string, mimeType: string, buffer: Buffer) {
  await page.getByLabel('Choose files', { exact: true }).setInputFiles({ name, mimeType, buffer });
  await page.locator('[data-testid="upload-item"][data-state="done"]', { hasText: name }).waitFor();
  const row = page.locator('[data-testid="task-row"]', { hasText: name }).first();
  await row.waitFor();
  await row.getByRole('link', { name: 'File' }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  await page
    .locator('[data-testid="task-detail"] [data-testid="connection"][data-state="live"]')
    .waitFor();
}

describe('uploads in the browser', () => {
  it('uploads a CSV, shows its progress and summary live, and downloads the cleaned file', async () => {
    const page = await openDashboard();
    const name = 'Umsätze – Q1 (messy).csv';
    await uploadAndOpen(page, name, 'text/csv', Buffer.from(MESSY_CSV));
    const detail = page.locator('[data-testid="task-detail"]');
    await detail.locator('[data-testid="task-status"]', { hasText: 'succeeded' }).waitFor();
    await expect(detail.locator('[data-testid="task-progress"]').textContent()).resolves.toBe(
      '100%',
    );
    const summary = page.locator('[data-testid="csv-summary"]');
    await summary.waitFor();
    await expect(summary.locator('[data-testid="csv-column"]').count()).resolves.toBe(4);
    await expect(summary.locator('[data-testid="csv-invalid-rows"]').textContent()).resolves.toBe(
      '2',
    );
    const problems = await summary.locator('[data-testid="csv-problems"]').textContent();
    expect(problems).toContain('line 5');
    expect(problems).toContain('line 9');
    await expect(page.locator('[data-testid="task-log"]').textContent()).resolves.toMatch(
      /Parsed 8 rows/,
    );

    const cleanedRow = page.locator('[data-testid="task-file"][data-kind="cleaned-csv"]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      cleanedRow.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Umsätze – Q1 (messy).cleaned.csv');
    const cleaned = await readFile((await download.path())!, 'utf8');
    expect(cleaned.startsWith('id,name,amount,joined\n1,Ada,12.5,2026-01-02\n')).toBe(true);
    expect(cleaned).not.toContain('too,many');
    expect(cleaned).toContain('Zoë');
    expect(pageEvents.filter((event) => event.startsWith('pageerror'))).toEqual([]);
    await page.context().close();
  });

  it('shows the thumbnails of an uploaded image', async () => {
    const page = await openDashboard();
    await uploadAndOpen(page, 'holiday.jpg', 'image/jpeg', await makeJpegWithExif(1600, 1200));
    const gallery = page.locator('[data-testid="thumbnails"]');
    await gallery.waitFor();
    const images = gallery.locator('img');
    await expect(images.count()).resolves.toBe(3);
    // Every thumbnail really decoded in the browser, not a broken image.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="thumbnails"] img')].every(
        (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
      ),
    );
    const widths = await images.evaluateAll((nodes) =>
      nodes.map((img) => (img as HTMLImageElement).naturalWidth),
    );
    // Portrait after EXIF orientation 6: the longest side is the height.
    expect(widths).toEqual([96, 384, 768]);
    await page.context().close();
  });

  it('shows keyboard focus on Choose files', async () => {
    const page = await openDashboard();
    const input = page.locator('input[type="file"]');
    const label = page.locator('label', { has: input });
    const outline = () => label.evaluate((element) => getComputedStyle(element).outlineStyle);
    expect(await outline()).toBe('none');
    await input.focus();
    expect(await outline()).toBe('solid');
    await page.close();
  });

  it('takes files dropped on the drop zone', async () => {
    const page = await openDashboard();
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['a,b\n1,2\n'], 'dropped.csv', { type: 'text/csv' }));
      transfer.items.add(new File(['plain words'], 'notes.txt', { type: 'text/plain' }));
      const zone = document.querySelector('[data-testid="upload-dropzone"]')!;
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
    });
    await page.locator('[data-testid="upload-item"][data-state="done"]').nth(1).waitFor();
    await page.locator('[data-testid="task-row"]', { hasText: 'dropped.csv' }).waitFor();
    await page.locator('[data-testid="task-row"]', { hasText: 'notes.txt' }).waitFor();
    await page.context().close();
  });

  it('says so when a file is over the limit, without sending it', async () => {
    const page = await openDashboard();
    const big = Buffer.alloc(9 * 1024 * 1024, 97);
    await page.getByLabel('Choose files', { exact: true }).setInputFiles({
      name: 'too-big.txt',
      mimeType: 'text/plain',
      buffer: big,
    });
    const item = page.locator('[data-testid="upload-item"][data-state="failed"]');
    await expect(item.getByRole('alert').textContent()).resolves.toContain('limit of 8 MiB');
    await page.context().close();
  });
});
