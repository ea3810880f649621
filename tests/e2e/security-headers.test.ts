import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiClient, requireData, type ApiSchemas } from '../support/api-client';
import { launchChromium, openRecordedPage } from '../support/browser';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Every answer of the web process carries the security headers; pages a nonce CSP that the
// production build's own scripts, styles and socket satisfy, in real Chromium. Behind a trusted
// TLS proxy: HSTS and Secure cookies.

const baseUrl = inject('baseUrl');
let browser: Browser;
let admin: TestUser;
let task: ApiSchemas['Task'];

beforeAll(async () => {
  admin = await createTestUser('admin', 'csp');
  const key = await createTestApiKey(admin);
  task = requireData(
    await createApiClient(baseUrl, { apiKey: key }).POST('/api/v1/tasks', {
      body: { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } },
    }),
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await killAllSpawned();
});

function expectCommonHeaders(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  expect(response.headers.get('permissions-policy')).toContain('camera=()');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('security headers', () => {
  it('gives every page a fresh nonce CSP that its own scripts carry', async () => {
    const nonces = new Set<string>();
    for (const path of ['/sign-in', '/sign-up', '/', '/no-such-page']) {
      const response = await fetch(baseUrl + path, { redirect: 'manual' });
      expectCommonHeaders(response);
      const policy = response.headers.get('content-security-policy') ?? '';
      const scriptSrc = policy.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      expect(scriptSrc).not.toContain('unsafe-inline');
      expect(scriptSrc).not.toContain('unsafe-eval');
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce!);
      expect(response.headers.get('strict-transport-security')).toBeNull(); // plain http here
      if (response.status !== 200) continue;
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(4);
  });

  it('sets them on REST answers too, whoever serves them', async () => {
    const answers = await Promise.all([
      fetch(`${baseUrl}/api/health`),
      fetch(`${baseUrl}/api/v1/tasks`), // Next's route, 401
      fetch(`${baseUrl}/api/v1/tasks`, { method: 'POST', body: '{}' }), // the direct endpoint
      fetch(`${baseUrl}/api/v1/files`, { method: 'POST', body: new FormData() }), // the upload one
    ]);
    for (const response of answers) {
      expectCommonHeaders(response);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    // A client's own X-Forwarded-Proto is not believed unless TRUST_PROXY_HEADERS says so.
    const forged = await fetch(`${baseUrl}/api/health`, {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
  });

  it('reports no CSP violation on the main pages, which still hydrate and go live', async () => {
    const pages = [
      '/',
      `/tasks/${task.id}`,
      '/admin',
      '/admin/tasks',
      '/admin/queues',
      '/admin/dead-letters',
      '/admin/schedules',
      '/admin/schedules/new',
      '/admin/run',
      '/admin/users',
      '/admin/audit',
      '/settings/api-keys',
      '/settings/notifications',
    ];
    const events: string[] = [];
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: admin.cookie, url: baseUrl },
    });
    await recordViolations(page);
    for (const path of pages) {
      await page.goto(baseUrl + path);
      await page.waitForLoadState('networkidle');
      expect(await violationsOf(page), path).toEqual([]);
    }
    // The dashboard's scripts ran (hydrated) and its socket connected under connect-src.
    await page.goto(baseUrl);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    expect(await violationsOf(page)).toEqual([]);
    const signedOut = await openRecordedPage(browser, events);
    await recordViolations(signedOut);
    for (const path of ['/sign-in', '/sign-up']) {
      await signedOut.goto(baseUrl + path);
      await signedOut.waitForLoadState('networkidle');
      expect(await violationsOf(signedOut), path).toEqual([]);
    }
    expect(events.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await page.context().close();
    await signedOut.context().close();
  });
});

async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
}

function violationsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

describe('behind a TLS proxy that is trusted', () => {
  it('sends HSTS and marks every cookie Secure when X-Forwarded-Proto says https', async () => {
    const web = spawnEntry('dist/server.mjs', {
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'warn',
      TRUST_PROXY_HEADERS: 'true',
    });
    const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
    const host = new URL(url!).host;
    const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': host };
    const page = await fetch(`${url}/sign-in`, { headers: viaProxy });
    expect(page.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(page.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');

    const signIn = await fetch(`${url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { ...viaProxy, 'content-type': 'application/json', origin: `https://${host}` },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(signIn.status).toBe(200);
    const cookies = signIn.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);

    // The same server over plain http: no HSTS, no Secure (a LAN install must sign in).
    const plain = await fetch(`${url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url! },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    for (const cookie of plain.headers.getSetCookie()) expect(cookie).not.toMatch(/;\s*Secure/i);
    await web.stop();
  }, 90_000);
});
