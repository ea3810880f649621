import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskFileView } from '@/lib/files/task-file-view';
import type { TaskView } from '@/lib/tasks/task-view';
import { findServerAction } from '../support/server-actions';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { runUnderTerminal } from '../support/terminal';

// The production web process of its own, at LOG_LEVEL=debug with its stdout a pipe (so JSON
// logs): every answer carries X-Request-Id, problems carry it as their `instance`, and the log
// lines of the request (the custom server's and those written inside Next's route handlers and
// server actions) carry it as `requestId`. A client hanging up mid-upload or mid-download is
// no error. On a terminal the same build prints pretty, coloured lines, and so does `npm start`.

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Larger than what loopback socket buffers absorb, so a download can really be cut short.
const BIG_FILE_BYTES = 40 * 1024 * 1024;

let web: SpawnedProcess;
let baseUrl: string;
let user: TestUser;
let apiKey: string;

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

function logLines(): LogLine[] {
  return web
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

async function waitForLine(requestId: string, msg: RegExp): Promise<LogLine> {
  const escaped = requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const [line] = await web.waitForOutput(
    new RegExp(`^\\{[^\\n]*"requestId":"${escaped}"[^\\n]*"msg":"(${msg.source})"[^\\n]*$`, 'm'),
    20_000,
  );
  return JSON.parse(line) as LogLine;
}

/** The answer's id, checked against its problem body's `instance`. */
async function expectProblemWithId(response: Response): Promise<string> {
  const id = response.headers.get('x-request-id');
  expect(id).toBeTruthy();
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as { instance?: string };
  expect(body.instance).toBe(`urn:taskdeck:request:${id}`);
  return id!;
}

/** Sends the head and part of a body of `declared` bytes, then hangs up. */
function sendPartOfBody(
  path: string,
  requestId: string,
  headers: Record<string, string>,
  first: string | Buffer,
  declared: number,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port: Number(new URL(baseUrl).port),
      method: 'POST',
      path,
      headers: { ...headers, 'x-request-id': requestId, 'content-length': String(declared) },
    });
    request.on('error', () => resolve());
    request.write(first, () => {
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 300);
    });
  });
}

beforeAll(async () => {
  user = await createTestUser('user', 'logs');
  apiKey = await createTestApiKey(user);
  web = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: undefined,
    UPLOAD_MAX_BYTES: String(64 * 1024 * 1024),
  });
  baseUrl = (await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m))[1]!;
});

afterAll(async () => {
  await killAllSpawned();
});

describe('request ids', () => {
  it('are on every kind of answer, in problems and in the log lines of the request', async () => {
    const page = await fetch(`${baseUrl}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toMatch(UUID7);

    // A route handler Next runs: the problem line is written inside Next's bundle.
    const route = await fetch(`${baseUrl}/api/v1/queues`);
    expect(route.status).toBe(401);
    const routeId = await expectProblemWithId(route);
    expect(routeId).toMatch(UUID7);
    const routeProblem = await waitForLine(routeId, /answered a problem/);
    expect(routeProblem).toMatchObject({ status: 401, code: 'unauthorized' });
    const answered = await waitForLine(routeId, /request answered/);
    expect(answered).toMatchObject({ method: 'GET', path: '/api/v1/queues', status: 401 });

    // Answered before Next: the edge guard, the upload endpoint, /metrics, the direct routes.
    const refusals = await Promise.all([
      fetch(`${baseUrl}/api/v1/no-such-route`),
      fetch(`${baseUrl}/api/v1/files`, { method: 'POST', body: new FormData() }),
      fetch(`${baseUrl}/metrics`),
      fetch(`${baseUrl}/api/v1/tasks`, { method: 'POST', body: '{}' }),
      fetch(`${baseUrl}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: 'x'.repeat(2 * 1024 * 1024),
      }),
    ]);
    expect(refusals.map((response) => response.status)).toEqual([404, 401, 401, 401, 413]);
    const ids = await Promise.all(refusals.map(expectProblemWithId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) await waitForLine(id, /request answered/);
  });

  it('reach into server actions', async () => {
    const { id: actionId, page } = await findServerAction('cancelTask');
    const response = await fetch(baseUrl + page, {
      method: 'POST',
      headers: {
        'next-action': actionId,
        'content-type': 'text/plain;charset=UTF-8',
        accept: 'text/x-component',
        origin: baseUrl,
        cookie: user.cookie,
      },
      body: JSON.stringify(['019adf3e-0000-7000-8000-000000000000']),
    });
    expect(response.status).toBe(200);
    await response.text();
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(UUID7);
    const refused = await waitForLine(requestId, /server action refused/);
    expect(refused).toMatchObject({ action: 'cancelTask', status: 404 });
  });

  it('keeps a sane incoming X-Request-Id and replaces a hostile one', async () => {
    const sane = 'trace-2f9c1a7e.proxy_01~x';
    const kept = await fetch(`${baseUrl}/api/v1/queues`, { headers: { 'x-request-id': sane } });
    expect(kept.headers.get('x-request-id')).toBe(sane);
    await expectProblemWithId(kept);
    await waitForLine(sane, /answered a problem/);

    const hostile = [
      'a'.repeat(65),
      'short',
      'has spaces in it',
      '<script>alert(1)</script>',
      'two-ids-12345, three-ids-12345',
      '"quoted-1234"',
      'ünïcödé-12345',
    ];
    for (const incoming of hostile) {
      const response = await fetch(`${baseUrl}/api/v1/queues`, {
        headers: { 'x-request-id': incoming },
      }).catch(() => null);
      // fetch refuses to send a non-Latin-1 header value itself; that one cannot arrive.
      if (!response) continue;
      const id = await expectProblemWithId(response);
      expect(id, incoming).toMatch(UUID7);
    }
    expect(logLines().some((line) => line.requestId === '<script>alert(1)</script>')).toBe(false);
  });

  it('gives a request Node cannot parse an id too', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    const id = /^x-request-id: (\S+)\r$/m.exec(raw)?.[1];
    expect(id).toMatch(UUID7);
    expect(raw).toContain(`"instance":"urn:taskdeck:request:${id}"`);
  });
});

describe('client disconnects', () => {
  it('are not errors, mid-upload or mid-download', async () => {
    const port = Number(new URL(baseUrl).port);
    const auth = { authorization: `Bearer ${apiKey}` };

    // An upload that stops a megabyte into a 40 MB file.
    const boundary = 'taskdeck-abort-boundary';
    const uploadId = 'abort-upload-0001';
    await sendPartOfBody(
      '/api/v1/files',
      uploadId,
      { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\n` +
            'content-type: application/octet-stream\r\n\r\n',
        ),
        randomBytes(1024 * 1024),
      ]),
      BIG_FILE_BYTES + 200,
    );
    await waitForLine(uploadId, /the client went away before the answer was complete/);

    // JSON bodies cut short: a route served before Next, one of Next's, and a server action.
    const json = { ...auth, 'content-type': 'application/json' };
    const { id: actionId, page } = await findServerAction('cancelTask');
    const halfBodies = [
      { path: '/api/v1/tasks', id: 'abort-direct-0001', headers: json },
      { path: '/api/v1/schedules', id: 'abort-next-route-0001', headers: json },
      {
        path: page,
        id: 'abort-action-0001',
        headers: {
          'next-action': actionId,
          'content-type': 'text/plain;charset=UTF-8',
          origin: baseUrl,
          cookie: user.cookie,
        },
      },
    ];
    for (const { path, id, headers } of halfBodies) {
      await sendPartOfBody(path, id, headers, '{"type": "diagnostics.simulate", ', 100_000);
      await waitForLine(id, /the client went away before the answer was complete/);
    }

    // A whole upload, then a download of it that reads one chunk and hangs up.
    const form = new FormData();
    form.append('file', new Blob([randomBytes(BIG_FILE_BYTES)]), 'big.bin');
    const uploaded = await fetch(`${baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const [task] = ((await uploaded.json()) as { tasks: TaskView[] }).tasks;
    const files = (await (
      await fetch(`${baseUrl}/api/v1/tasks/${task!.id}/files`, { headers: auth })
    ).json()) as { files: TaskFileView[] };
    const input = files.files.find((file) => file.role === 'input')!;
    const downloadId = 'abort-download-0001';
    await new Promise<void>((resolve, reject) => {
      const download = httpRequest(
        { port, path: input.url, headers: { ...auth, 'x-request-id': downloadId } },
        (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            download.destroy();
            resolve();
          });
        },
      );
      download.on('error', () => undefined);
      download.on('close', () => resolve());
      download.setTimeout(20_000, () => reject(new Error('download never started')));
      download.end();
    });
    // The web process saw the answer cut short, so the download really stopped midway.
    const cut = await waitForLine(
      downloadId,
      /the client went away before the answer was complete/,
    );
    expect(cut).toMatchObject({ level: 30, status: 200 });

    // Give Next a moment to report anything it would, then read the whole log.
    await fetch(`${baseUrl}/api/health`);
    // No error from a request or about a disconnect (the process's background loops, which
    // other test files' data can upset, are not this test's), and not even a warning (such as
    // a made-up outage) for the requests cut short.
    const errors = logLines().filter(
      (line) =>
        (line.level >= 50 &&
          (line.requestId !== undefined ||
            /aborted|ECONNRESET|EPIPE|premature/i.test(JSON.stringify(line)))) ||
        (line.level >= 40 && line.requestId?.startsWith('abort-')),
    );
    expect(errors).toEqual([]);
    const otherOutput = web
      .output()
      .split('\n')
      .filter((line) => !line.startsWith('{'));
    expect(otherOutput.filter((line) => /error|ECONNRESET|EPIPE|aborted/i.test(line))).toEqual([]);
  });
});

describe('log format', () => {
  it('is one JSON object per line when stdout is not a terminal', () => {
    const lines = web.output().split('\n');
    const listening = lines.find((line) => line.includes('web server listening'));
    expect(JSON.parse(listening!)).toMatchObject({ level: 30, msg: 'web server listening' });
    expect(web.output()).not.toContain('\x1b[');
  });

  it('is pretty and coloured on a terminal, for the bundle and for npm start', async () => {
    const alone = runUnderTerminal(`${process.execPath} dist/server.mjs`, {
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const listening = await alone.waitForOutput(/^.*web server listening.*$/m);
      expect(listening[0]).toMatch(/\x1b\[\d+mINFO\x1b\[\d+m/);
      expect(listening[0].trim().startsWith('{')).toBe(false);
    } finally {
      await alone.stop();
    }

    // The supervisor pipes its children's output, so it tells them to be pretty itself.
    const supervised = runUnderTerminal(
      `${process.execPath} --import tsx scripts/supervise.ts prod`,
      {
        PORT: '0',
        LOG_LEVEL: 'info',
      },
    );
    try {
      await supervised.waitForOutput(/Taskdeck is running at/);
      const worker = await supervised.waitForOutput(/^.*worker.*│.*worker started.*$/m);
      expect(worker[0]).toMatch(/\x1b\[\d+mINFO\x1b\[\d+m/);
      const webLine = await supervised.waitForOutput(/^.*web.*│.*web server listening.*$/m);
      expect(webLine[0]).toMatch(/\x1b\[\d+mINFO\x1b\[\d+m/);
    } finally {
      await supervised.stop();
    }
  });
});
