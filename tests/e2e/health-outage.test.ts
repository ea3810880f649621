import { afterAll, describe, expect, it } from 'vitest';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';

// A web node whose Redis or Postgres is unreachable still starts, and says so: 503.

afterAll(async () => {
  await killAllSpawned();
});

async function healthOf(env: Record<string, string>) {
  const web = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
  const response = await fetch(`${url}/api/health`);
  const body = (await response.json()) as Record<string, { ok: boolean }>;
  // It also stops cleanly, without waiting for the dependency to come back.
  expect(await web.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  return { status: response.status, body };
}

describe('GET /api/health during an outage', () => {
  it('503 when Redis is unreachable', async () => {
    const { status, body } = await healthOf({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', redis: { ok: false }, postgres: { ok: true } });
  });

  it('503 when Postgres is unreachable', async () => {
    const { status, body } = await healthOf({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/taskdeck_e2e',
    });
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', postgres: { ok: false }, redis: { ok: true } });
  });
});
