import type { Locator, Page } from 'playwright-core';
import type { TaskStatus } from '@/lib/tasks/task-view';
import {
  createApiClient,
  requireData,
  type ApiClient,
  type ApiSchemas,
  type CreateTaskBody,
} from '@/tests/support/api-client';

// Shared by the lifecycle and admin browser tests: the typed REST client for one API key, and
// ways to watch task rows change.

export interface RestClient {
  /** The typed client (tests/support/api-client.ts) acting with this key. */
  api: ApiClient;
  createTask(body: CreateTaskBody): Promise<ApiSchemas['Task']>;
  getTask(id: string): Promise<ApiSchemas['Task']>;
  /** Polls until the task reaches one of these statuses. */
  waitForTask(id: string, statuses: TaskStatus[], timeoutMs?: number): Promise<ApiSchemas['Task']>;
}

export function createRestClient(baseUrl: string, apiKey: string): RestClient {
  const api = createApiClient(baseUrl, { apiKey });
  const client: RestClient = {
    api,
    async createTask(body) {
      return requireData(await api.POST('/api/v1/tasks', { body }));
    },
    async getTask(id) {
      return requireData(await api.GET('/api/v1/tasks/{id}', { params: { path: { id } } }));
    },
    async waitForTask(id, statuses, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const task = await client.getTask(id);
        if (statuses.includes(task.status)) return task;
        if (Date.now() > deadline) {
          throw new Error(`task ${id} is still ${task.status}, not ${statuses.join('|')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
  return client;
}

export function taskRow(page: Page, taskId: string): Locator {
  return page.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`);
}

/** Resolves once the row's status badge reads exactly this. */
export async function waitForRowStatus(row: Locator, status: TaskStatus): Promise<void> {
  await row
    .getByTestId('task-status')
    .filter({ hasText: new RegExp(`^${status}$`) })
    .waitFor();
}

/** Records, per task row, every status its badge shows, in order (read with statusesSeen). */
export async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { statusesSeen: Record<string, string[]> }).statusesSeen = seen;
    const record = () => {
      for (const row of document.querySelectorAll('[data-testid="task-row"]')) {
        const id = row.getAttribute('data-task-id') ?? '';
        const status = row.querySelector('[data-testid="task-status"]')?.textContent;
        const values = (seen[id] ??= []);
        if (status && values.at(-1) !== status) values.push(status);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

export async function statusesSeen(page: Page, taskId: string): Promise<string[]> {
  const seen = await page.evaluate(
    () => (window as unknown as { statusesSeen: Record<string, string[]> }).statusesSeen,
  );
  return seen[taskId] ?? [];
}

/** Opens the row's History and returns its transitions as `from→to` once `untilTo` is listed. */
export async function readHistory(row: Locator, untilTo: TaskStatus): Promise<string[]> {
  const details = row.locator('details');
  if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) {
    await row.getByText('History', { exact: true }).click();
  }
  await row.locator(`[data-testid="task-transition"][data-to="${untilTo}"]`).first().waitFor();
  return row
    .getByTestId('task-transition')
    .evaluateAll((entries) =>
      entries.map((entry) => `${entry.getAttribute('data-from')}→${entry.getAttribute('data-to')}`),
    );
}
