import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { listAuditEvents } from '@/server/audit/audit-service';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { closeClients } from '@/server/infra/clients';
import { createTestUser, type TestUser } from '../support/users';

// Sign-in throttling that never locks the owner out: wrong passwords back off per (email,
// address), so an attacker on one address cannot keep the owner out from another; attempts per
// address are limited more loosely whatever the email. Every sign-in is in the audit log.

const MAX = 3;
const WINDOW_S = 1;
const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request, context: unknown) => Promise<Response>;
let signInPost: Handler;
let admin: TestUser;

beforeAll(async () => {
  vi.stubEnv('AUTH_RATE_LIMIT_MAX', String(MAX));
  vi.stubEnv('AUTH_RATE_LIMIT_WINDOW_S', String(WINDOW_S));
  resetEnvCache();
  signInPost = (
    (await import(path.join(root, 'app/api/auth/[...all]/route.ts'))) as { POST: Handler }
  ).POST;
  admin = await createTestUser('admin');
});

afterAll(async () => {
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

function signIn(email: string, password: string, ip: string) {
  return signInPost(
    new Request('http://localhost/api/auth/sign-in/email', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CLIENT_IP_HEADER]: ip,
        'user-agent': 'vitest',
      },
      body: JSON.stringify({ email, password }),
    }),
    {},
  );
}

const newAddress = () => `attacker-${randomUUID()}`;

async function failTimes(user: TestUser, ip: string, times: number) {
  for (let attempt = 0; attempt < times; attempt += 1) {
    expect((await signIn(user.email, 'wrong-password', ip)).status).toBe(401);
  }
}

describe('sign-in throttling per email and address', () => {
  it('locks the attacking address out with 429 and Retry-After; the owner signs in from elsewhere', async () => {
    const owner = await createTestUser('user', 'owner');
    const attacker = newAddress();
    await failTimes(owner, attacker, MAX);
    const blocked = await signIn(owner.email, owner.password, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(blocked.headers.get('retry-after'))).toBe(WINDOW_S);
    // The attacker keeps going (each failure once the lock ends doubles it): the owner, on
    // their own address, is never refused.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect([401, 429]).toContain((await signIn(owner.email, 'wrong', attacker)).status);
      expect((await signIn(owner.email, owner.password, 'owner-home')).status).toBe(200);
    }
  });

  it('doubles the wait after each further failure, and a success forgets the failures', async () => {
    const owner = await createTestUser('user', 'backoff');
    const ip = newAddress();
    await failTimes(owner, ip, MAX);
    expect((await signIn(owner.email, 'wrong-password', ip)).headers.get('retry-after')).toBe('1');
    await sleep(WINDOW_S * 1_000 + 100);
    await failTimes(owner, ip, 1);
    expect((await signIn(owner.email, 'wrong-password', ip)).headers.get('retry-after')).toBe('2');
    await sleep(2 * WINDOW_S * 1_000 + 100);
    expect((await signIn(owner.email, owner.password, ip)).status).toBe(200);
    // Forgotten: it takes AUTH_RATE_LIMIT_MAX failures again to be locked.
    await failTimes(owner, ip, MAX);
    expect((await signIn(owner.email, owner.password, ip)).status).toBe(429);
  });

  it('limits one address across emails more loosely (5 × the per-pair failures a window)', async () => {
    // A window long enough that the password checks (which hold the event loop) cannot outlast it.
    vi.stubEnv('AUTH_RATE_LIMIT_WINDOW_S', '60');
    resetEnvCache();
    const ip = newAddress();
    // At once: each is counted before its password is checked.
    const answers = await Promise.all(
      Array.from({ length: MAX * 5 + 1 }, (_, index) =>
        signIn(`nobody-${index}-${randomUUID()}@example.test`, 'wrong-password', ip),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX * 5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    // Another address is not affected.
    expect((await signIn(admin.email, admin.password, newAddress())).status).toBe(200);
    vi.stubEnv('AUTH_RATE_LIMIT_WINDOW_S', String(WINDOW_S));
    resetEnvCache();
  });
});

describe('sign-ins in the audit log', () => {
  it('records each success and failure with the address', async () => {
    const user = await createTestUser('user', 'audited');
    const ip = newAddress();
    expect((await signIn(user.email, 'wrong-password', ip)).status).toBe(401);
    expect((await signIn(user.email, user.password, ip)).status).toBe(200);

    const eventsOf = async (action: 'auth.sign_in' | 'auth.sign_in_failed') =>
      (await listAuditEvents(admin.principal, { action, actor: user.email, limit: 10 })).data;
    const [failed, succeeded] = await Promise.all([
      eventsOf('auth.sign_in_failed'),
      eventsOf('auth.sign_in'),
    ]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      actorEmail: user.email,
      ip,
      userAgent: 'vitest',
      details: { status: 401, reason: 'INVALID_EMAIL_OR_PASSWORD' },
    });
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]).toMatchObject({
      actorEmail: user.email,
      targetType: 'user',
      targetId: user.principal.userId,
      ip,
    });
  });
});
