import { connect } from 'node:net';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findServerAction } from '../support/server-actions';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// The hostile requests of issue 14 that answered 500, each answered now with a clear 4xx by the
// production build. tests/e2e/edge-fuzz.test.ts looks for the ones nobody has thought of yet.

const baseUrl = inject('baseUrl');
let user: TestUser;
let userKey: string;
let adminKey: string;

beforeAll(async () => {
  user = await createTestUser('user', 'edge');
  userKey = await createTestApiKey(user);
  adminKey = await createTestApiKey(await createTestUser('admin', 'edge-admin'));
});

async function call(path: string, init: RequestInit = {}, key = userKey) {
  const response = await fetch(baseUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

function expectProblem(result: Awaited<ReturnType<typeof call>>, status: number) {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get('content-type')).toBe('application/problem+json');
  expect((JSON.parse(result.text) as { detail: string }).detail).toEqual(expect.any(String));
}

/** One raw HTTP/1.1 exchange, for request targets fetch cannot send. */
function rawRequest(head: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('edge cases that used to answer 500', () => {
  it('bad percent-encoding in a path id, on every id route', async () => {
    for (const path of [
      '/api/v1/tasks/%ff%fe',
      '/api/v1/tasks/%ff/cancel',
      '/api/v1/schedules/%',
    ]) {
      const method = path.endsWith('cancel') ? 'POST' : 'GET';
      expectProblem(await call(path, { method }), 400);
    }
    expectProblem(await call('/api/v1/tasks/a%00b'), 400);
  });

  it('a NUL, or a date outside years 1-9999, in a list filter', async () => {
    for (const query of ['q=%00abc', 'type=a%00', 'queue=%00', 'owner=%00x']) {
      expectProblem(await call(`/api/v1/tasks?${query}`), 400);
    }
    expectProblem(await call('/api/v1/tasks?from=0000-01-01T00:00:00Z'), 400);
    expectProblem(await call('/api/v1/tasks?to=9999-12-31T23:00:00-05:00'), 400);
  });

  it('runAt past the delayMs horizon, and lone surrogates or NULs in a body', async () => {
    const post = (body: string) =>
      call('/api/v1/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const runAt = await post(
      JSON.stringify({ type: 'diagnostics.simulate', payload: {}, runAt: '9999-01-01T00:00:00Z' }),
    );
    expectProblem(runAt, 400);
    expect(runAt.text).toContain('runAt');
    expectProblem(await post('{"type":"diagnostics.simulate","payload":{"x":"\\ud800"}}'), 400);
    const schedule = await call(
      '/api/v1/schedules',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'a\u0000b',
          taskType: 'report.generate',
          repeat: { kind: 'interval', everyMs: 60_000 },
        }),
      },
      adminKey,
    );
    expectProblem(schedule, 400);
  });

  it('multipart with an empty boundary or cut short', async () => {
    const upload = (contentType: string, body: string) =>
      call('/api/v1/files', { method: 'POST', headers: { 'content-type': contentType }, body });
    expectProblem(await upload('multipart/form-data; boundary=', '--\r\n\r\n'), 400);
    const cut = '--b\r\nContent-Disposition: form-data; name="f"; filename="a.csv"\r\n\r\na,b\n1';
    expectProblem(await upload('multipart/form-data; boundary=b', cut), 400);
  });

  it('unknown methods get 405 with Allow; OPTIONS * and unknown REST paths a clear answer', async () => {
    const put = await call('/api/v1/tasks', { method: 'PUT' });
    expectProblem(put, 405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expectProblem(await call('/api/v1/files', { method: 'GET' }), 405);
    expectProblem(await call('/api/v1/nothing-here'), 404);
    const star = await rawRequest('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(star).toMatch(/^HTTP\/1\.1 204/);
    expect(star.toLowerCase()).toContain('allow: get, head, post');
  });

  it('a server action body React cannot decode is a 400', async () => {
    // ("$K1" is not among them: React reads it as an empty FormData, which the action's own
    // validation refuses in its result.)
    const { id, page } = await findServerAction('cancelTask');
    for (const body of ['[', 'not json', '["$Q0"]', '["$B1"]']) {
      const response = await fetch(baseUrl + page, {
        method: 'POST',
        headers: {
          'next-action': id,
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          origin: baseUrl,
          cookie: user.cookie,
        },
        body,
      });
      await response.text();
      expect(response.status, body).toBe(400);
    }
  });

  it('"run now" racing a delete of the same schedule answers 201, 404 or 409, never 500', async () => {
    const statuses = new Set<number>();
    for (let round = 0; round < 8; round++) {
      const created = await call(
        '/api/v1/schedules',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `race ${round}`,
            taskType: 'report.generate',
            enabled: false,
            repeat: { kind: 'interval', everyMs: 3_600_000 },
          }),
        },
        adminKey,
      );
      expect(created.status, created.text).toBe(201);
      const { id } = JSON.parse(created.text) as { id: string };
      const answers = await Promise.all([
        call(`/api/v1/schedules/${id}/run`, { method: 'POST' }, adminKey),
        call(`/api/v1/schedules/${id}`, { method: 'DELETE' }, adminKey),
        call(`/api/v1/schedules/${id}/run`, { method: 'POST' }, adminKey),
      ]);
      for (const answer of answers) statuses.add(answer.status);
    }
    for (const status of statuses) expect([201, 204, 404, 409]).toContain(status);
  });
});
