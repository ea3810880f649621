import type { Browser, Page } from 'playwright-core';
import { launchChromium, openRecordedPage } from '@/tests/support/browser';
import { cancelTask, postTask } from './bench-client';
import type { BenchEnv } from './bench-env';
import { BenchSetupError } from './bench-script';
import { formatSummary, summarizeLatencies, type LatencySummary } from './bench-stats';

// The same cancel, seen where a person sees it: the dashboard in real Chromium, signed in as the
// tasks' owner. From the client sending the cancel request (t0) to the task's row showing
// 'cancelling' and then 'cancelled' in its status badge (data-testid="task-status").

export interface BrowserCancelResult {
  tasks: number;
  /** Set when Chromium could not be started; the figures are then empty. */
  skipped: string | null;
  cancelling: LatencySummary;
  cancelled: LatencySummary;
  problems: string[];
}

const TASK_PAYLOAD = { steps: 1_000, stepMs: 50 };
const WAIT_MS = 20_000;

type StatusTimes = Record<string, Record<string, number>>;

/**
 * In the page: the first Date.now() at which each row's status badge showed each status, taken
 * in a MutationObserver, i.e. when React committed the change (the paint follows within a frame).
 * A string, not a function: tsx's keep-names transform would make it call a helper the page lacks.
 */
const STATUS_RECORDER = `(() => {
  const seen = {};
  window.statusSeen = seen;
  const record = () => {
    const now = Date.now();
    for (const row of document.querySelectorAll('[data-testid="task-row"]')) {
      const id = row.getAttribute('data-task-id') ?? '';
      const status = row.querySelector('[data-testid="task-status"]')?.textContent?.trim();
      if (!status) continue;
      const times = (seen[id] ??= {});
      times[status] ??= now;
    }
  };
  record();
  new MutationObserver(record).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
  });
})()`;

function waitForStatus(page: Page, id: string, status: string): Promise<unknown> {
  return page.waitForFunction(
    ([taskId, wanted]) =>
      (window as unknown as { statusSeen: StatusTimes }).statusSeen[taskId ?? '']?.[wanted ?? ''],
    [id, status],
    { timeout: WAIT_MS, polling: 50 },
  );
}

async function readTimes(page: Page, id: string): Promise<Record<string, number>> {
  return page.evaluate(
    (taskId) => (window as unknown as { statusSeen: StatusTimes }).statusSeen[taskId] ?? {},
    id,
  );
}

async function openDashboard(browser: Browser, env: BenchEnv, events: string[]): Promise<Page> {
  const page = await openRecordedPage(browser, events, {
    signedIn: { cookie: env.sessionCookie, url: env.url },
  });
  await page.goto(env.url);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  await page.evaluate(STATUS_RECORDER);
  return page;
}

export async function measureBrowserCancelLatency(
  env: BenchEnv,
  tasks: number,
): Promise<BrowserCancelResult> {
  const empty = summarizeLatencies([]);
  if (tasks === 0)
    return { tasks, skipped: 'not asked for', cancelling: empty, cancelled: empty, problems: [] };
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { tasks, skipped: reason, cancelling: empty, cancelled: empty, problems: [] };
  }
  const events: string[] = [];
  const cancelling: number[] = [];
  const cancelled: number[] = [];
  const problems: string[] = [];
  try {
    const page = await openDashboard(browser, env, events);
    // One at a time: a single page, and each figure taken with the page otherwise idle.
    for (let i = 0; i < tasks; i += 1) {
      const { task } = await env.guard(postTask(env, 'diagnostics.simulate', TASK_PAYLOAD));
      try {
        await waitForStatus(page, task.id, 'running');
        // Date.now() on both sides: the page's clock is the wall clock, to the millisecond.
        const t0 = Date.now();
        await env.guard(cancelTask(env, task.id));
        await waitForStatus(page, task.id, 'cancelled');
        const times = await readTimes(page, task.id);
        if (times.cancelling === undefined) problems.push(`${task.id}: never showed cancelling`);
        else cancelling.push(times.cancelling - t0);
        if (times.cancelled !== undefined) cancelled.push(times.cancelled - t0);
      } catch (error) {
        if (!env.web.alive || !env.worker.alive) throw error;
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        problems.push(`${task.id}: ${reason}`);
      }
    }
  } catch (error) {
    if (error instanceof BenchSetupError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BenchSetupError(`browser run failed: ${reason}\n${events.join('\n')}`);
  } finally {
    await browser.close();
  }
  return {
    tasks,
    skipped: null,
    cancelling: summarizeLatencies(cancelling),
    cancelled: summarizeLatencies(cancelled),
    problems,
  };
}

export function formatBrowserCancelLatency(result: BrowserCancelResult): string[] {
  const heading = `  dashboard in Chromium (${result.tasks} tasks, one at a time, DOM commit, 1 ms resolution):`;
  if (result.skipped !== null) return [`${heading} skipped (${result.skipped})`];
  return [
    heading,
    `    t0 -> row shows 'cancelled' (n=${result.cancelled.count}): ${formatSummary(result.cancelled, 0)}`,
    `    t0 -> row shows 'cancelling' (n=${result.cancelling.count}): ${formatSummary(result.cancelling, 0)}`,
    ...result.problems.map((problem) => `    problem: ${problem}`),
  ];
}
