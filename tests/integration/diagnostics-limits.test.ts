import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, LimitExceededError, ValidationError } from '@/lib/errors';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createTask } from '@/server/tasks/task-submission';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Bounded diagnostics: a user's diagnostics.simulate is capped (steps, and steps × stepMs);
// longer runs and diagnostics.stall are for admins. Through the REST route, as a client sees it.

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request) => Promise<Response>;
let tasksPost: Handler;
let user: TestUser;
let admin: TestUser;
let userKey: string;
let adminKey: string;

beforeAll(async () => {
  tasksPost = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { POST: Handler })
    .POST;
  [user, admin] = await Promise.all([createTestUser('user', 'diag'), createTestUser('admin')]);
  [userKey, adminKey] = await Promise.all([createTestApiKey(user), createTestApiKey(admin)]);
});

afterAll(async () => {
  await closeClients();
});

function post(key: string, body: unknown): Promise<Response> {
  return tasksPost(
    new Request('http://localhost/api/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
  );
}

async function countTasks(ownerId: string): Promise<number> {
  return getPrisma().task.count({ where: { ownerId } });
}

describe('diagnostics.simulate for users', () => {
  it('accepts up to 1,000 steps and 60 s of work in total', async () => {
    const response = await post(userKey, {
      type: 'diagnostics.simulate',
      payload: { steps: 1_000, stepMs: 60 },
      delayMs: 3_600_000,
    });
    expect(response.status).toBe(201);
  });

  it('refuses more than 1,000 steps with 422 naming the field, and records nothing', async () => {
    const before = await countTasks(user.principal.userId);
    const response = await post(userKey, {
      type: 'diagnostics.simulate',
      payload: { steps: 1_001, stepMs: 0 },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as {
      detail: string;
      errors: { path: string; message: string }[];
    };
    expect(problem.detail).toBe(
      'The payload asks for more than users may run as diagnostics.simulate.',
    );
    expect(problem.errors).toEqual([
      { path: 'payload.steps', message: 'At most 1,000 steps; longer runs are for admins.' },
    ]);
    expect(await countTasks(user.principal.userId)).toBe(before);
  });

  it('refuses more than 60 s in total, the default step length included', async () => {
    // 301 steps of the default 200 ms is 60.2 s.
    const response = await post(userKey, { type: 'diagnostics.simulate', payload: { steps: 301 } });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      {
        path: 'payload.stepMs',
        message: 'steps × stepMs is at most 60,000 ms (60 s); longer runs are for admins.',
      },
    ]);
    await expect(
      createTask(user.principal, {
        type: 'diagnostics.simulate',
        payload: { steps: 2, stepMs: 30_001 },
      }),
    ).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('answers a malformed payload 400 as before, whoever asks', async () => {
    const response = await post(userKey, { type: 'diagnostics.simulate', payload: { steps: 0 } });
    expect(response.status).toBe(400);
    await expect(
      createTask(admin.principal, { type: 'diagnostics.simulate', payload: { steps: 0 } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('lets admins run longer', async () => {
    const response = await post(adminKey, {
      type: 'diagnostics.simulate',
      payload: { steps: 100_000, stepMs: 18 },
      delayMs: 3_600_000,
    });
    expect(response.status).toBe(201);
  });
});

describe('diagnostics.stall', () => {
  it('answers 403 to a user and records nothing', async () => {
    const before = await countTasks(user.principal.userId);
    const response = await post(userKey, {
      type: 'diagnostics.stall',
      payload: { durationMs: 1_000 },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'Only admins can run diagnostics.stall tasks.',
    );
    await expect(
      createTask(user.principal, { type: 'diagnostics.stall', payload: {} }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await countTasks(user.principal.userId)).toBe(before);
  });

  it('is accepted from an admin', async () => {
    const response = await post(adminKey, {
      type: 'diagnostics.stall',
      payload: { durationMs: 1_000 },
      delayMs: 3_600_000,
    });
    expect(response.status).toBe(201);
  });
});
