import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { serveDirectEndpoint } from '@/server/http/direct-endpoints';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';
import { createTask } from '@/server/tasks/task-submission';
import { transitionTask } from '@/server/tasks/task-transitions';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// The lean core path: status changes of many tasks sharing one statement keep every guard
// (exactly one terminal status however many race for it), cached principals still lose their
// rights on time, and the create the web process serves itself answers like Next's route.

let owner: TestUser;

beforeAll(async () => {
  owner = await createTestUser('user', 'core-path');
});

afterAll(async () => {
  await closeClients();
});

async function runningTask(): Promise<string> {
  const task = await createTask(owner.principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 1, stepMs: 0 },
    delayMs: 3_600_000,
  });
  const running = await transitionTask({
    taskId: task.id,
    from: ['delayed'],
    to: 'running',
    data: { attempts: 'increment', startedAt: new Date(), progressMessage: 'Started' },
  });
  expect(running?.status).toBe('running');
  return task.id;
}

const terminalMoves = (taskId: string) =>
  getPrisma().taskTransition.count({
    where: { taskId, toStatus: { in: ['succeeded', 'failed', 'cancelled'] } },
  });

describe('status changes in shared statements', () => {
  it('lets exactly one of many racing outcomes settle a task', async () => {
    const taskId = await runningTask();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        transitionTask({
          taskId,
          from: ['running'],
          to: n % 2 === 0 ? 'succeeded' : 'failed',
          attempt: 1,
          data: { finishedAt: new Date(), progress: n },
          reason: `racer ${n}`,
        }),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome !== null);
    expect(winners).toHaveLength(1);
    expect(await terminalMoves(taskId)).toBe(1);
    const stored = await getPrisma().task.findUniqueOrThrow({ where: { id: taskId } });
    expect(stored.status).toBe(winners[0]?.status);
    expect(stored.revision).toBe(3);
  });

  it('applies the changes of many tasks at once, each with its own guard and timeline entry', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => runningTask()));
    const deleted = ids[7] as string;
    await getPrisma().task.delete({ where: { id: deleted } });
    const outcomes = await Promise.all(
      ids.map((taskId, n) =>
        transitionTask({
          taskId,
          from: ['running'],
          to: 'succeeded',
          // Every third one names the wrong attempt: it must be left alone.
          attempt: n % 3 === 0 ? 2 : 1,
          data: { finishedAt: new Date(), progress: 100, result: { n } },
          logLines: [
            {
              id: crypto.randomUUID(),
              taskId,
              attempt: 1,
              level: 'info',
              message: `line of ${n}`,
              at: new Date().toISOString(),
            },
          ],
        }),
      ),
    );
    for (const [n, taskId] of ids.entries()) {
      const outcome = outcomes[n];
      if (taskId === deleted || n % 3 === 0) {
        expect(outcome).toBeNull();
        continue;
      }
      expect(outcome).toMatchObject({ id: taskId, status: 'succeeded', result: { n } });
      expect(outcome?.owner).toMatchObject({ email: owner.email });
      expect(await terminalMoves(taskId)).toBe(1);
    }
    // The attempt's last log lines are kept whether or not its outcome applied.
    const lines = await getPrisma().taskLog.findMany({ where: { taskId: { in: ids } } });
    expect(lines).toHaveLength(ids.length - 1);
    const unchanged = await getPrisma().task.findUniqueOrThrow({ where: { id: ids[0] as string } });
    expect(unchanged.status).toBe('running');
  });
});

describe('cached principals', () => {
  it('stops honouring a key revoked behind its back once the cache time is over', async () => {
    const key = await createTestApiKey(owner);
    const headers = new Headers({ authorization: `Bearer ${key}` });
    expect(await authenticateRequest(headers)).toMatchObject({ kind: 'user' });
    // Revoked without telling the cache (as another node's revoke looks with Redis down).
    await getPrisma().apiKey.updateMany({
      where: { userId: owner.principal.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await sleep(getEnv().AUTH_CACHE_TTL_MS + 50);
    await expect(authenticateRequest(headers)).rejects.toMatchObject({ status: 401 });
  });

  it("drops a user's entries when another node announces a change", async () => {
    const key = await createTestApiKey(owner);
    const headers = new Headers({ authorization: `Bearer ${key}` });
    const filledAt = Date.now();
    expect(await authenticateRequest(headers)).toMatchObject({ kind: 'user' });
    await getPrisma().apiKey.updateMany({
      where: { userId: owner.principal.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const otherNode = new Redis(getEnv().REDIS_URL);
    try {
      await otherNode.publish(redisKey('auth-invalidate'), owner.principal.userId);
    } finally {
      otherNode.disconnect();
    }
    let refused = false;
    while (!refused && Date.now() - filledAt < getEnv().AUTH_CACHE_TTL_MS - 100) {
      refused = await authenticateRequest(headers).then(
        () => false,
        () => true,
      );
      if (!refused) await sleep(10);
    }
    // Refused while the entry would still have been fresh: the announcement dropped it.
    expect(refused).toBe(true);
  });
});

describe('the create the web process serves itself', () => {
  let server: Server;
  let url: string;
  let key: string;

  beforeAll(async () => {
    key = await createTestApiKey(owner);
    server = createServer((req, res) => {
      if (!serveDirectEndpoint(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/tasks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('creates a task and answers as the route does', async () => {
    const response = await post(
      JSON.stringify({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } }),
      { authorization: `Bearer ${key}`, 'idempotency-key': `core-${crypto.randomUUID()}` },
    );
    expect(response.status).toBe(201);
    const task = (await response.json()) as { id: string; status: string };
    expect(response.headers.get('location')).toBe(`/api/v1/tasks/${task.id}`);
    expect(task.status).toBe('queued');
  });

  it('answers problem+json to a bad body, an anonymous caller and a body past the cap', async () => {
    const bad = await post('{not json', { authorization: `Bearer ${key}` });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const anonymous = await post('x'.repeat(getEnv().JSON_BODY_MAX_BYTES * 2));
    expect(anonymous.status).toBe(401);
    const huge = await post(
      JSON.stringify({
        type: 'diagnostics.simulate',
        payload: { pad: 'x'.repeat(getEnv().JSON_BODY_MAX_BYTES) },
      }),
      { authorization: `Bearer ${key}` },
    );
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { detail: string }).detail).toContain('1 MiB');
  });
});
