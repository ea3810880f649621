import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { getPrisma } from '@/server/infra/clients';
import { createApiClient } from '../support/api-client';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestApiKey, createTestUser } from '../support/users';

// Bursts of creates on one web process (the production build): every request is answered
// 201, or refused with 503/429 and Retry-After; never 500; and every 201 is a real task that
// runs. Below the admission limit nothing may be refused at all: the burst must be absorbed by
// the connection pool, not turned into 503s.

const BURST = 500;
const ANSWER_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 90_000;
const PAYLOAD = { steps: 1, stepMs: 0 };

const baseUrl = inject('baseUrl');
let apiKey: string;

beforeAll(async () => {
  apiKey = await createTestApiKey(await createTestUser('user', 'burst'));
});

afterAll(async () => {
  await killAllSpawned();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string;
  body: unknown;
}

const CREATE_BODY = JSON.stringify({ type: 'diagnostics.simulate', payload: PAYLOAD });

async function toAnswer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type') ?? '',
    body: await response.json(),
  };
}

function postCreate(url: string, body: BodyInit): Promise<Answer> {
  return fetch(`${url}/api/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
    // Needed for a streamed body (undici).
    ...({ duplex: 'half' } as object),
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  }).then(toAnswer);
}

function createTask(url: string): Promise<Answer> {
  return postCreate(url, CREATE_BODY);
}

/**
 * A create whose body arrives only when released: the route handler has taken its place in
 * the gate and waits for the rest of the body, as a slow client's request does.
 */
function heldCreate(url: string): { answer: Promise<Answer>; release: () => void } {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      controller.enqueue(encoder.encode(CREATE_BODY.slice(0, 10)));
    },
  });
  return {
    answer: postCreate(url, body),
    release: () => {
      controller.enqueue(encoder.encode(CREATE_BODY.slice(10)));
      controller.close();
    },
  };
}

/** All at once: every request is sent before any answer is read. */
function sendBurst(url: string): Promise<Answer[]> {
  return Promise.all(Array.from({ length: BURST }, () => createTask(url)));
}

function countByStatus(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** 201 with a task, or 429/503 problem+json with Retry-After; returns the created tasks. */
function expectAnsweredWell(answers: Answer[]): TaskView[] {
  const unexpected = answers.filter((answer) => ![201, 429, 503].includes(answer.status));
  expect(unexpected.slice(0, 3), JSON.stringify(countByStatus(answers))).toEqual([]);
  for (const refused of answers.filter((answer) => answer.status !== 201)) {
    expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(refused.contentType).toBe('application/problem+json');
  }
  const tasks = answers.filter((answer) => answer.status === 201).map((a) => a.body as TaskView);
  expect(new Set(tasks.map((task) => task.id)).size).toBe(tasks.length);
  return tasks;
}

/** GET every created task, a few at a time: each exists, as it was answered. */
async function expectTasksExist(url: string, tasks: TaskView[]): Promise<void> {
  const api = createApiClient(url, { apiKey });
  const missing: string[] = [];
  for (let i = 0; i < tasks.length; i += 25) {
    await Promise.all(
      tasks.slice(i, i + 25).map(async (task) => {
        const { data: found, response } = await api.GET('/api/v1/tasks/{id}', {
          params: { path: { id: task.id } },
        });
        if (response.status !== 200 || found?.id !== task.id || found.type !== task.type) {
          missing.push(`${task.id}: ${response.status}`);
        }
      }),
    );
  }
  expect(missing).toEqual([]);
}

/** Accepted work gets done: every created task succeeds (the worker runs them). */
async function expectAllSucceed(tasks: TaskView[]): Promise<void> {
  const ids = tasks.map((task) => task.id);
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let succeeded = 0;
  while (Date.now() < deadline) {
    succeeded = await getPrisma().task.count({ where: { id: { in: ids }, status: 'succeeded' } });
    if (succeeded === ids.length) return;
    await sleep(250);
  }
  const left = await getPrisma().task.groupBy({
    by: ['status'],
    where: { id: { in: ids }, status: { not: 'succeeded' } },
    _count: true,
  });
  expect({ succeeded, left }).toEqual({ succeeded: ids.length, left: [] });
}

describe(`${BURST} concurrent POST /api/v1/tasks on one web process`, () => {
  it('below the admission limit: every one is created (201), and every task exists and runs', async () => {
    const answers = await sendBurst(baseUrl);
    const tasks = expectAnsweredWell(answers);
    // The limit (API_ADMISSION_LIMIT, 1000) is above the burst: a refusal here would be the
    // pool giving up, the symptom the issue is about.
    expect(countByStatus(answers)).toEqual({ 201: BURST });
    await expectTasksExist(baseUrl, tasks);
    await expectAllSucceed(tasks);
  });

  it('past the admission limit: every other create is refused at once with 503 and Retry-After: 1', async () => {
    const limit = 20;
    const web = spawnEntry('dist/server.mjs', {
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'warn',
      API_ADMISSION_LIMIT: String(limit),
    });
    const [, match] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
    const url = match!;
    // Fill the gate with creates whose bodies have not arrived yet, then probe until the web
    // process refuses one: from then on every place is taken, whatever the timing.
    const held = Array.from({ length: limit }, () => heldCreate(url));
    const probes: Answer[] = [];
    for (let i = 0; i < 200 && probes.at(-1)?.status !== 503; i += 1) {
      probes.push(await createTask(url));
    }
    expect(probes.at(-1)?.status, JSON.stringify(countByStatus(probes))).toBe(503);

    const answers = await sendBurst(url);
    expect(countByStatus(answers)).toEqual({ 503: BURST });
    expectAnsweredWell(answers);
    for (const answer of answers) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({ status: 503, code: 'service_unavailable' });
    }

    // The held creates still complete, and their places are free again afterwards.
    for (const { release } of held) release();
    const heldAnswers = await Promise.all(held.map(({ answer }) => answer));
    expect(countByStatus(heldAnswers)).toEqual({ 201: limit });
    const after = await createTask(url);
    expect(after.status).toBe(201);

    const tasks = expectAnsweredWell([...heldAnswers, ...probes, after]);
    await expectTasksExist(url, tasks);
    await expectAllSucceed(tasks);
    expect(await web.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
