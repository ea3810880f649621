import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { launchChromium, openRecordedPage } from '../support/browser';
import { findServerAction } from '../support/server-actions';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// A page on another origin of the same site (another port of the same host, so SameSite does
// not keep the victim's cookie away) tries what the issue found working: change the victim's
// tasks with a form and with fetch, and read their events over Socket.IO. None of it works.

const baseUrl = inject('baseUrl');
const root = path.resolve(import.meta.dirname, '../..');
let browser: Browser;
let victim: TestUser;
let victimKey: string;
let attacker: Server;
let attackerUrl: string;

const ATTACK_PAGE = `<!doctype html><html><body>
<iframe name="sink"></iframe>
<script src="/socket.io.min.js"></script>
<script>
  window.attack = async (app, taskId) => {
    const results = { fetches: [], socket: null, events: 0 };
    const send = (url, init) =>
      fetch(app + url, { method: 'POST', credentials: 'include', ...init }).then(
        (r) => results.fetches.push(url + ' ' + r.type),
        (e) => results.fetches.push(url + ' failed'),
      );
    const body = JSON.stringify({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } });
    // Simple requests: sent without a preflight, the answer unreadable but the effect real.
    await send('/api/v1/tasks', { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body });
    await send('/api/v1/tasks/' + taskId + '/cancel', { mode: 'no-cors' });
    // JSON needs a preflight, which the app never grants.
    await send('/api/v1/tasks', { headers: { 'content-type': 'application/json' }, body });
    const socket = io(app, { path: '/socket.io/', transports: ['websocket'], reconnection: false, withCredentials: true });
    socket.onAny(() => { results.events += 1; });
    results.socket = await new Promise((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (error) => resolve(error.message));
    });
    window.results = results;
    return results;
  };
  window.submitForm = (action, enctype, name, value) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = action;
    form.enctype = enctype;
    form.target = 'sink';
    const input = document.createElement('input');
    input.name = name;
    input.value = value;
    form.append(input);
    document.body.append(form);
    form.submit();
  };
</script></body></html>`;

beforeAll(async () => {
  victim = await createTestUser('user', 'victim');
  victimKey = await createTestApiKey(victim);
  const socketClient = await readFile(
    path.join(root, 'node_modules/socket.io-client/dist/socket.io.min.js'),
  );
  attacker = createServer((req, res) => {
    if (req.url === '/socket.io.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(socketClient);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(ATTACK_PAGE);
    }
  });
  // The app's host, another port: another origin, the same site.
  const appHost = new URL(baseUrl).hostname;
  await new Promise<void>((resolve) => attacker.listen(0, appHost, resolve));
  attackerUrl = `http://${appHost}:${(attacker.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
});

function asVictim(route: string, init: RequestInit = {}) {
  return fetch(baseUrl + route, {
    ...init,
    headers: { authorization: `Bearer ${victimKey}`, 'content-type': 'application/json' },
  });
}

async function victimTaskCount(): Promise<number> {
  const page = (await (await asVictim('/api/v1/tasks?limit=100')).json()) as { data: unknown[] };
  return page.data.length;
}

describe('a page on another origin, with the victim signed in', () => {
  it('can neither change their tasks nor read their events', async () => {
    const created = await asVictim('/api/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
        delayMs: 86_400_000,
      }),
    });
    const waiting = (await created.json()) as TaskView;
    const countBefore = await victimTaskCount();

    const events: string[] = [];
    const page = await openRecordedPage(browser, events, {
      signedIn: { cookie: victim.cookie, url: baseUrl },
    });
    const answers: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(baseUrl)) {
        answers.push(
          `${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`,
        );
      }
    });
    await page.goto(`${attackerUrl}/attack.html`);

    // Forms need no preflight: JSON-looking text/plain to REST, and a server action posted the
    // way React posts one without JavaScript (multipart, the action's id as a field).
    const { id: actionId } = await findServerAction('cancelTask');
    const forms: Array<[string, string, string, string]> = [
      ['/api/v1/tasks', 'text/plain', '{"type":"diagnostics.simulate","payload":{"x":"', '"}}'],
      [`/api/v1/tasks/${waiting.id}/cancel`, 'text/plain', 'x', 'y'],
      ['/', 'multipart/form-data', `$ACTION_ID_${actionId}`, waiting.id],
    ];
    for (const [route, ...form] of forms) {
      const answered = page.waitForResponse((r) => r.url() === baseUrl + route);
      await page.evaluate(
        ([action, enctype, name, value]) =>
          (window as unknown as { submitForm(...a: string[]): void }).submitForm(
            action!,
            enctype!,
            name!,
            value!,
          ),
        [baseUrl + route, ...form],
      );
      expect((await answered).status(), route).toBe(403);
    }

    const results = (await page.evaluate(
      ([app, id]) =>
        (window as unknown as { attack(a: string, t: string): Promise<unknown> }).attack(app!, id!),
      [baseUrl, waiting.id],
    )) as { fetches: string[]; socket: string; events: number };
    expect(results.socket).toBe('cross_origin_refused');
    // The JSON request died at its preflight; the simple ones reached the app and were refused.
    expect(results.fetches).toContain('/api/v1/tasks failed');
    expect(answers).toContain('POST /api/v1/tasks 403');
    expect(answers).toContain(`POST /api/v1/tasks/${waiting.id}/cancel 403`);
    expect(answers.filter((a) => !a.endsWith(' 403') && a.startsWith('POST'))).toEqual([]);

    // An event of the victim's while the attacker's page is open: it receives nothing.
    await asVictim('/api/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } }),
    });
    await page.waitForTimeout(1_000);
    expect(
      await page.evaluate(
        () => (window as unknown as { results: { events: number } }).results.events,
      ),
    ).toBe(0);

    const after = (await (await asVictim(`/api/v1/tasks/${waiting.id}`)).json()) as TaskView;
    expect(after.status).toBe('delayed');
    expect(await victimTaskCount()).toBe(countBefore + 1); // only the victim's own create
    await page.context().close();
  });
});
