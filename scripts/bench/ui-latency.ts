import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium, openRecordedPage } from '@/tests/support/browser';
import { postTask } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { describeMachine } from './bench-machine';
import { BenchSetupError, isEntryPoint, parseWholeNumber, runScript } from './bench-script';
import { formatSummary, summarizeLatencies } from './bench-stats';

// What a person waits for on the dashboard, in real Chromium against the production build:
// from clicking Generate report to the new task's row appearing in the list, and to that row
// showing its first progress (running, a progress value, or already a later status). The raw
// baseline is the same request made without a browser: POST /api/v1/tasks, answered.
//
//   npm run bench:ui -- --tries 20
//
// Database, queue prefix and storage are the bench's own (TASKDECK_BENCH_SUFFIX), made and
// emptied by bench-env; nothing else is touched.

const WAIT_MS = 30_000;

/**
 * In the page: when Generate report was pressed (capturing listener, before React's), and when
 * each row first appeared and first moved past queued, from a MutationObserver, i.e. when React
 * committed it. A string: tsx's keep-names transform would make a function call a helper the
 * page lacks.
 */
const RECORDER = `(() => {
  const seen = {};
  window.uiSeen = seen;
  window.uiClickAt = 0;
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.textContent.trim() === 'Generate report') window.uiClickAt = Date.now();
  }, true);
  const record = () => {
    const now = Date.now();
    for (const row of document.querySelectorAll('[data-testid="task-row"]')) {
      const id = row.getAttribute('data-task-id') ?? '';
      const times = (seen[id] ??= { row: now });
      const status = row.querySelector('[data-testid="task-status"]')?.textContent?.trim();
      const value = Number(row.querySelector('[aria-valuenow]')?.getAttribute('aria-valuenow') ?? 0);
      if (times.progress === undefined && ((status && status !== 'queued') || value > 0))
        times.progress = now;
    }
  };
  record();
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
})()`;

interface Seen {
  row: number;
  progress?: number;
}

async function knownRows(page: Page): Promise<Set<string>> {
  return new Set(
    await page.evaluate(() =>
      Object.keys((window as unknown as { uiSeen: Record<string, Seen> }).uiSeen),
    ),
  );
}

/** One press of Generate report: ms to the new row, and to its first progress. */
async function measureOnce(page: Page): Promise<{ row: number; progress: number }> {
  const before = await knownRows(page);
  const button = page.getByRole('button', { name: 'Generate report' });
  await button.waitFor();
  await button.click();
  const handle = await page.waitForFunction(
    (known) => {
      const seen = (window as unknown as { uiSeen: Record<string, Seen> }).uiSeen;
      const id = Object.keys(seen).find((key) => !known.includes(key));
      const times = id ? seen[id] : undefined;
      return times?.progress !== undefined ? times : null;
    },
    [...before],
    { timeout: WAIT_MS, polling: 20 },
  );
  const times = (await handle.jsonValue()) as Required<Seen>;
  const clickAt = await page.evaluate(() => (window as unknown as { uiClickAt: number }).uiClickAt);
  if (!clickAt) throw new BenchSetupError('the click on Generate report was not recorded');
  return { row: times.row - clickAt, progress: times.progress - clickAt };
}

const REPORT = { type: 'report.generate', payload: { from: '2026-01-01', to: '2026-01-02' } };

async function measure(env: BenchEnv, tries: number, warmup: number) {
  const browser = await launchChromium();
  const events: string[] = [];
  try {
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: env.sessionCookie, url: env.url },
    });
    await page.goto(env.url);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await page.evaluate(RECORDER);
    const row: number[] = [];
    const progress: number[] = [];
    for (let i = 0; i < warmup + tries; i += 1) {
      const times = await env.guard(measureOnce(page));
      if (i < warmup) continue;
      row.push(times.row);
      progress.push(times.progress);
    }
    // The raw side: the same create over REST, from Node, to its answer.
    const rest: number[] = [];
    for (let i = 0; i < warmup + tries; i += 1) {
      const posted = await env.guard(postTask(env, REPORT.type, REPORT.payload));
      if (i >= warmup) rest.push(posted.respondedAt - posted.sentAt);
    }
    return {
      row: summarizeLatencies(row),
      progress: summarizeLatencies(progress),
      rest: summarizeLatencies(rest),
    };
  } catch (error) {
    if (error instanceof BenchSetupError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BenchSetupError(`browser run failed: ${reason}\n${events.join('\n')}`);
  } finally {
    await browser.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const { values } = parseArgs({
      options: { tries: { type: 'string' }, warmup: { type: 'string' } },
    });
    const tries = parseWholeNumber(values.tries, 20, 1, 1_000);
    const warmup = parseWholeNumber(values.warmup, 2, 0, 100);
    const result = await withBenchEnv((env) => measure(env, tries, warmup));
    const ratio = (value: number) => (value / result.rest.p50).toFixed(1);
    console.log(
      [
        `UI latency on ${describeMachine()}: ${tries} tries after ${warmup} warm-up, one at a time`,
        `  click Generate report -> row in the list:     ${formatSummary(result.row, 0)}`,
        `  click Generate report -> row's first progress: ${formatSummary(result.progress, 0)}`,
        `  raw: POST /api/v1/tasks from Node, answered:   ${formatSummary(result.rest, 0)}`,
        `  ratio at p50: row ${ratio(result.row.p50)}x, first progress ${ratio(result.progress.p50)}x the raw create`,
      ].join('\n'),
    );
  });
}
