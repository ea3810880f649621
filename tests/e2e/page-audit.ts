import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// What the every-page suite measures on one rendered page: axe-core's violations by impact,
// how far the document is wider than the screen, its h1s and its title. axe runs inside the
// page through the DevTools protocol (page.evaluate of its source), which the page's
// Content-Security-Policy does not apply to, so the app's headers stay as they ship.

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export const IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export interface AxeFinding {
  id: string;
  impact: Impact;
  nodes: number;
  /** The first few offending elements, to say where. */
  targets: string[];
}

export interface PageAudit {
  findings: AxeFinding[];
  /** Offending nodes per impact. */
  byImpact: Record<Impact, number>;
  scrollWidth: number;
  viewportWidth: number;
  /** The widest elements when the page is wider than the screen (tag#id.class: width). */
  overflowing: string[];
  h1Count: number;
  title: string;
}

interface RawViolation {
  id: string;
  impact: Impact | null;
  nodes: Array<{ target: unknown[] }>;
}

export async function auditPage(page: Page): Promise<PageAudit> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document)) as { violations: unknown[] };
    return result.violations;
  });
  const findings = (violations as RawViolation[]).map((violation) => ({
    id: violation.id,
    impact: violation.impact ?? 'minor',
    nodes: violation.nodes.length,
    targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
  }));
  const byImpact = Object.fromEntries(IMPACTS.map((impact) => [impact, 0])) as Record<
    Impact,
    number
  >;
  for (const finding of findings) byImpact[finding.impact] += finding.nodes;

  const layout = await page.evaluate(() => {
    const viewportWidth = window.innerWidth;
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
        typeof element.className === 'string' && element.className
          ? '.' + element.className.trim().split(/\s+/).slice(0, 3).join('.')
          : ''
      }: ${Math.round(element.getBoundingClientRect().right)}`;
    // What widens the document: an element past the right edge that no scrolling ancestor
    // clips, or a positioned one (it escapes an unpositioned scroller, e.g. an sr-only label).
    const clipped = (element: Element) => {
      if (['absolute', 'fixed'].includes(getComputedStyle(element).position)) return false;
      for (let parent = element.parentElement; parent; parent = parent.parentElement)
        if (getComputedStyle(parent).overflowX !== 'visible') return true;
      return false;
    };
    const overflowing = [...document.body.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > viewportWidth + 0.5)
      .filter((element) => !clipped(element))
      .slice(0, 5)
      .map(describe);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      viewportWidth,
      overflowing,
      h1Count: document.querySelectorAll('h1').length,
      title: document.title,
    };
  });
  return { findings, byImpact, ...layout };
}

/** Waits until the page has settled: loaded, fonts in, live lists connected where there are any. */
export async function settlePage(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const live = page.locator('[data-testid="connection"]');
  if ((await live.count()) > 0) {
    await page.locator('[data-testid="connection"][data-state="live"]').first().waitFor();
  }
  // Suspense boundaries and client lists render after hydration: wait for nothing pending.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, {
    timeout: 15_000,
  });
}
