import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { getEnv } from '@/lib/env';
import { createApiKey, revokeApiKey } from '@/server/auth/api-keys';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { ensureAdmin } from '@/server/auth/seed-admin';
import { setUserRole } from '@/server/auth/user-service';
import { listAuditEvents } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { createTestUser, type TestUser } from '../support/users';

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request, context: unknown) => Promise<Response>;
let signInPost: Handler;
let tasksGet: Handler;
let alice: TestUser;
let admin: TestUser;
const context = { ip: '203.0.113.7', userAgent: 'vitest' };

beforeAll(async () => {
  signInPost = (
    (await import(path.join(root, 'app/api/auth/[...all]/route.ts'))) as { POST: Handler }
  ).POST;
  tasksGet = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { GET: Handler }).GET;
  [alice, admin] = await Promise.all([createTestUser('user', 'alice'), createTestUser('admin')]);
});

afterAll(async () => {
  await closeClients();
});

function signIn(email: string, password: string, ip: string) {
  return signInPost(
    new Request('http://localhost/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify({ email, password }),
    }),
    {},
  );
}

// Sign-in throttling: tests/integration/sign-in-throttle.test.ts.

describe('API key rate limit', () => {
  it('answers 429 to a client that keeps sending bad keys, still 401 to others, and 200 to a working key', async () => {
    const { AUTH_RATE_LIMIT_MAX: max } = getEnv();
    const ip = `bad-keys-${randomUUID()}`;
    const call = (key: string, from: string) =>
      tasksGet(
        new Request('http://localhost/api/v1/tasks', {
          headers: { authorization: `Bearer ${key}`, [CLIENT_IP_HEADER]: from },
        }),
        {},
      );
    for (let attempt = 0; attempt < max; attempt += 1) {
      expect((await call(`tdk_guess${attempt}`, ip)).status).toBe(401);
    }
    const blocked = await call('tdk_guess-again', ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('tdk_guess-again', `elsewhere-${randomUUID()}`)).status).toBe(401);
    // A working key from the same address is not refused: behind a shared proxy, one client's
    // bad keys must not lock out every integration.
    const { key } = await createApiKey(alice.principal, { name: 'behind the proxy' }, context);
    expect((await call(key, ip)).status).toBe(200);
  });
});

describe('audit log', () => {
  it('records key creation and revocation, role changes, with who, what, on what and where', async () => {
    const { apiKey } = await createApiKey(
      alice.principal,
      { name: 'ci', expiresInDays: 30 },
      context,
    );
    await revokeApiKey(alice.principal, apiKey.id, context);
    const bob = await createTestUser('user', 'bob');
    await setUserRole(admin.principal, bob.principal.userId, 'admin', context);
    await setUserRole(admin.principal, bob.principal.userId, 'user', context);

    const aliceEvents = await listAuditEvents(admin.principal, { actor: alice.email, limit: 50 });
    const keyEvents = aliceEvents.data.filter((event) => event.targetId === apiKey.id);
    expect(keyEvents.map((event) => event.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(keyEvents[1]).toMatchObject({
      actorEmail: alice.email,
      targetType: 'api_key',
      targetId: apiKey.id,
      ip: '203.0.113.7',
      userAgent: 'vitest',
      details: { name: 'ci' },
    });

    const roleEvents = await listAuditEvents(admin.principal, {
      action: 'user.role_change',
      limit: 50,
    });
    const forBob = roleEvents.data.filter((event) => event.targetId === bob.principal.userId);
    expect(forBob.map((event) => event.details)).toEqual([
      { email: bob.email, from: 'admin', to: 'user' },
      { email: bob.email, from: 'user', to: 'admin' },
    ]);
  });

  it('is for admins only, and pages with a cursor', async () => {
    await expect(listAuditEvents(alice.principal, { limit: 10 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const first = await listAuditEvents(admin.principal, { limit: 2 });
    expect(first.data).toHaveLength(2);
    const second = await listAuditEvents(admin.principal, { limit: 2, cursor: first.nextCursor! });
    expect(second.data[0]!.createdAt <= first.data[1]!.createdAt).toBe(true);
    expect(second.data.map((e) => e.id)).not.toContain(first.data[1]!.id);
  });

  it('never demotes the last admin', async () => {
    const onlyAdmins = await createTestUser('admin', 'solo');
    // Demote every other admin first, so onlyAdmins is the last one.
    const { listUsers } = await import('@/server/auth/user-service');
    for (const user of await listUsers(onlyAdmins.principal)) {
      if (user.role === 'admin' && user.id !== onlyAdmins.principal.userId) {
        await setUserRole(onlyAdmins.principal, user.id, 'user', context);
      }
    }
    await expect(
      setUserRole(onlyAdmins.principal, onlyAdmins.principal.userId, 'user', context),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('admin seeding', () => {
  it('creates the admin named in the environment once, and promotes an existing account', async () => {
    const email = `seed-${randomUUID().slice(0, 8)}@example.test`;
    const first = await ensureAdmin({ email, password: 'seed-password-1' });
    expect(first).toEqual({ email, created: true });
    expect(await ensureAdmin({ email, password: 'seed-password-1' })).toEqual({
      email,
      created: false,
    });
    expect((await signIn(email, 'seed-password-1', `seed-${randomUUID()}`)).status).toBe(200);

    const promoted = await createTestUser('user', 'promote');
    expect(await ensureAdmin({ email: promoted.email })).toEqual({
      email: promoted.email,
      created: false,
    });
    const { listUsers } = await import('@/server/auth/user-service');
    const users = await listUsers((await createTestUser('admin')).principal);
    expect(users.find((user) => user.email === promoted.email)?.role).toBe('admin');
  });
});
