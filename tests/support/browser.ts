import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot run
// here). The flags keep it from reaching for the network at start.
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = CHROMIUM_PATHS.find((candidate) => existsSync(candidate));
  if (!executablePath) {
    throw new Error('Chromium is not installed: apt-get install -y chromium (npm test does it)');
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A page in a fresh context (no cookies from another test), optionally signed in with a session
 * cookie, that writes navigations and errors into `events` to explain a failure.
 */
export async function openRecordedPage(
  browser: Browser,
  events: string[],
  options: {
    signedIn?: { cookie: string; url: string };
    acceptDownloads?: boolean;
    /** The reader's time zone (IANA name); the machine's otherwise. */
    timezoneId?: string;
  } = {},
): Promise<Page> {
  const context = await browser.newContext({
    acceptDownloads: options.acceptDownloads ?? false,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  if (options.signedIn) {
    const [name, value] = options.signedIn.cookie.split('=', 2) as [string, string];
    await context.addCookies([{ name, value, url: options.signedIn.url }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) events.push(`navigated ${frame.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') events.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => events.push(`pageerror: ${error.message}`));
  return page;
}

/** A recorded page signed in with `cookie`, opened at `path` of the app at `baseUrl`. */
export async function openSignedInPage(
  browser: Browser,
  events: string[],
  { baseUrl, cookie }: { baseUrl: string; cookie: string },
  path: string,
): Promise<Page> {
  const page = await openRecordedPage(browser, events, { signedIn: { cookie, url: baseUrl } });
  await page.goto(baseUrl + path);
  return page;
}
