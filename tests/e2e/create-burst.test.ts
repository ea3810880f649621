import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { getPrisma } from '@/server/infra/clients';
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

function createTask(url: string): Promise<Answer> {
  return fetch(`${url}/api/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ type: 'diagnostics.simulate', payload: PAYLOAD }),
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  }).then(async (response) => ({
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type') ?? '',
    body: await response.json(),
  }));
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
  const missing: string[] = [];
  for (let i = 0; i < tasks.length; i += 25) {
    await Promise.all(
      tasks.slice(i, i + 25).map(async (task) => {
        const response = await fetch(`${url}/api/v1/tasks/${task.id}`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        const found = (await response.json()) as TaskView;
        if (response.status !== 200 || found.id !== task.id || found.type !== task.type) {
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

  it('past the admission limit: the rest are refused at once with 503 and Retry-After: 1', async () => {
    const web = spawnEntry('dist/server.mjs', {
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'warn',
      API_ADMISSION_LIMIT: '20',
    });
    const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
    const answers = await sendBurst(url!);
    const tasks = expectAnsweredWell(answers);
    const refused = answers.filter((answer) => answer.status === 503);
    const counts = JSON.stringify(countByStatus(answers));
    expect(refused.length, counts).toBeGreaterThan(0);
    expect(tasks.length, counts).toBeGreaterThanOrEqual(20);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({ status: 503, code: 'service_unavailable' });
    }
    await expectTasksExist(url!, tasks);
    await expectAllSucceed(tasks);
    expect(await web.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
