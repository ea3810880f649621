import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskPage, TaskView } from '@/lib/tasks/task-view';
import { setCompletionEmails } from '@/server/email/preferences';
import { closeClients } from '@/server/infra/clients';
import { launchChromium, openRecordedPage } from '../support/browser';
import { waitFor } from '../support/wait-for';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Issue 17 item 4 in the browser: with completion emails on, a task that ends is one row on
// the dashboard (its email is not a second), its page lists the email, and the email's page
// links back and shows the message decoded, its link clickable.

const baseUrl = inject('baseUrl');
let browser: Browser;
let user: TestUser;
let apiKey: string;
const events: string[] = [];

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

beforeAll(async () => {
  user = await createTestUser('user', 'follow-ups');
  apiKey = await createTestApiKey(user);
  await setCompletionEmails(user.principal, true);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeClients();
});

describe('a task with a completion email', () => {
  it('is one row; its page lists the email, which links back and reads decoded', async () => {
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: user.cookie, url: baseUrl },
    });
    await page.goto(baseUrl);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();

    const task = await api<TaskView>('/api/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } }),
    });
    const email = await waitFor(async () => {
      const children = await api<TaskPage>(`/api/v1/tasks?parent=${task.id}`);
      const sent = children.data.find((child) => child.status === 'succeeded');
      return sent;
    }, 'the completion email to be sent');
    expect(email).toMatchObject({ type: 'email.send', parentTaskId: task.id });

    // The live dashboard got both task.created events: only the task became a row.
    const row = page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`);
    await row.locator('[data-testid="task-status"]', { hasText: 'succeeded' }).waitFor();
    expect(await page.locator('[data-testid="task-row"]').count()).toBe(1);
    expect(await page.locator(`[data-task-id="${email.id}"]`).count()).toBe(0);
    // A reload reads the same from the list's SQL.
    await page.reload();
    await row.waitFor();
    expect(await page.locator('[data-testid="task-row"]').count()).toBe(1);

    await page.goto(`${baseUrl}/tasks/${task.id}`);
    const followUp = page.locator('[data-testid="task-follow-up"]');
    expect(await followUp.count()).toBe(1);
    expect(await followUp.textContent()).toContain(`to ${user.email}`);
    await followUp.locator('a').click();
    await page.waitForURL(`${baseUrl}/tasks/${email.id}`);

    const message = page.locator('[data-testid="email-message"]');
    expect(await message.locator('[data-testid="email-to"]').textContent()).toBe(user.email);
    expect(await message.locator('[data-testid="email-subject"]').textContent()).toBe(
      'Taskdeck: diagnostics.simulate succeeded',
    );
    const text = (await message.locator('[data-testid="email-text"]').textContent()) ?? '';
    expect(text).toContain(`Task: ${task.id}`);
    // Decoded: no quoted-printable soft breaks or escapes, as the raw .eml source has.
    expect(text).not.toMatch(/=\r?\n|=3D/);
    const link = message.locator(`a[href$="/tasks/${task.id}"]`);
    expect(await link.count()).toBe(1);

    await page.locator('[data-testid="parent-task-link"]').click();
    await page.waitForURL(`${baseUrl}/tasks/${task.id}`);
    await page.locator('[data-testid="task-follow-ups"]').waitFor();
    expect(events.filter((event) => !event.startsWith('navigated'))).toEqual([]);
    await page.context().close();
  });
});
