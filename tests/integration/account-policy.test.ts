import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { INVITE_TOKEN_HEADER } from '@/lib/sign-up';
import { listAuditEvents } from '@/server/audit/audit-service';
import { createInvitation } from '@/server/auth/invitation-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { revokeUserApiKeys, setUserBanned } from '@/server/auth/user-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Account policy: who may sign up (SIGNUP_MODE), invitations, bans, an admin revoking a user's
// keys. Through Better Auth's real route, as the browser reaches it.

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request, context: unknown) => Promise<Response>;
let authPost: Handler;
let tasksGet: Handler;
let admin: TestUser;
const context = { ip: '203.0.113.9', userAgent: 'vitest' };

beforeAll(async () => {
  authPost = (
    (await import(path.join(root, 'app/api/auth/[...all]/route.ts'))) as { POST: Handler }
  ).POST;
  tasksGet = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { GET: Handler }).GET;
  admin = await createTestUser('admin', 'policy-admin');
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

afterAll(async () => {
  await closeClients();
});

function useSignUpMode(mode: 'open' | 'invite' | 'closed') {
  vi.stubEnv('SIGNUP_MODE', mode);
  resetEnvCache();
}

function signUp(email: string, password: string, token?: string) {
  return authPost(
    new Request('http://localhost/api/auth/sign-up/email', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CLIENT_IP_HEADER]: `policy-${randomUUID()}`,
        ...(token ? { [INVITE_TOKEN_HEADER]: token } : {}),
      },
      body: JSON.stringify({ email, password, name: 'Invitee' }),
    }),
    {},
  );
}

function signIn(user: TestUser) {
  return authPost(
    new Request('http://localhost/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLIENT_IP_HEADER]: `ip-${randomUUID()}` },
      body: JSON.stringify({ email: user.email, password: user.password }),
    }),
    {},
  );
}

function listWithKey(key: string) {
  return tasksGet(
    new Request('http://localhost/api/v1/tasks', { headers: { authorization: `Bearer ${key}` } }),
    {},
  );
}

const newEmail = () => `invitee-${randomUUID().slice(0, 8)}@example.test`;
const password = 'correct-horse-battery';
const accountExists = async (email: string) =>
  (await getPrisma().user.count({ where: { email } })) === 1;

async function detailOf(response: Response): Promise<string> {
  return ((await response.json()) as { detail: string }).detail;
}

describe('sign-up modes', () => {
  it('open (the default) lets anyone sign up', async () => {
    const email = newEmail();
    expect((await signUp(email, password)).status).toBe(200);
    expect(await accountExists(email)).toBe(true);
  });

  it('closed refuses every sign-up with 403 and makes no account', async () => {
    useSignUpMode('closed');
    const email = newEmail();
    const response = await signUp(email, password);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await detailOf(response)).toBe(
      'Sign-up is closed. Ask an admin of this Taskdeck for an account.',
    );
    expect(await accountExists(email)).toBe(false);
  });

  it('invite needs an invitation, for that email, once, before it expires', async () => {
    useSignUpMode('invite');
    const email = newEmail();
    const without = await signUp(email, password);
    expect(without.status).toBe(403);
    expect(await detailOf(without)).toMatch(/^Sign-up is by invitation/);

    const { token, path: link } = await createInvitation(admin.principal, email, context);
    expect(link).toBe(`/sign-up?invite=${encodeURIComponent(token)}`);
    // Another email with this token, or a made-up token: refused.
    expect((await signUp(newEmail(), password, token)).status).toBe(403);
    expect((await signUp(email, password, 'tdi_made-up')).status).toBe(403);
    // A sign-up Better Auth refuses (too short a password) leaves the invitation usable.
    expect((await signUp(email, 'short', token)).status).toBe(400);
    expect(await accountExists(email)).toBe(false);

    expect((await signUp(email.toUpperCase(), password, token)).status).toBe(200);
    expect(await accountExists(email)).toBe(true);
    // Used: a second sign-up with it is refused (another email would be anyway).
    const again = await signUp(email, password, token);
    expect(again.status).toBe(403);
    expect(await detailOf(again)).toMatch(/used already, has expired/);
  });

  it('refuses an expired invitation, and invitations are for admins to make', async () => {
    useSignUpMode('invite');
    const email = newEmail();
    const { token, invitation } = await createInvitation(admin.principal, email, context);
    await getPrisma().invitation.update({
      where: { id: invitation.id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    expect((await signUp(email, password, token)).status).toBe(403);
    expect(await accountExists(email)).toBe(false);

    const user = await createTestUser('user', 'not-admin');
    await expect(createInvitation(user.principal, newEmail(), context)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createInvitation(admin.principal, user.email, context)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const audit = await listAuditEvents(admin.principal, {
      action: 'invitation.create',
      actor: admin.email,
      limit: 50,
    });
    expect(audit.data.some((event) => event.targetId === invitation.id)).toBe(true);
  });
});

describe('bans', () => {
  it('ends the sessions, refuses sign-in and the API keys at once; unban restores them', async () => {
    const user = await createTestUser('user', 'banned');
    const key = await createTestApiKey(user);
    const cookieHeaders = new Headers({ cookie: user.cookie });
    // Cached first: the ban must reach what this node already holds.
    expect((await authenticateRequest(cookieHeaders)).kind).toBe('user');
    expect((await listWithKey(key)).status).toBe(200);

    await setUserBanned(admin.principal, user.principal.userId, true, context);
    expect((await authenticateRequest(cookieHeaders)).kind).toBe('anonymous');
    expect((await listWithKey(key)).status).toBe(401);
    expect(await getPrisma().session.count({ where: { userId: user.principal.userId } })).toBe(0);
    const refused = await signIn(user);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('BANNED_USER');
    const failed = await listAuditEvents(admin.principal, {
      action: 'auth.sign_in_failed',
      actor: user.email,
      limit: 10,
    });
    expect(failed.data[0]?.details).toMatchObject({ status: 403, reason: 'BANNED_USER' });

    await setUserBanned(admin.principal, user.principal.userId, false, context);
    expect((await listWithKey(key)).status).toBe(200);
    expect((await signIn(user)).status).toBe(200);
    const events = await listAuditEvents(admin.principal, { actor: admin.email, limit: 50 });
    const forUser = events.data.filter((event) => event.targetId === user.principal.userId);
    expect(forUser.map((event) => event.action)).toEqual(['user.unban', 'user.ban']);
  });

  it("is not done through Better Auth's admin endpoints, which bypass our rules and audit", async () => {
    const user = await createTestUser('user', 'not-via-plugin');
    for (const endpoint of ['ban-user', 'set-role', 'impersonate-user']) {
      const response = await authPost(
        new Request(`http://localhost/api/auth/admin/${endpoint}`, {
          method: 'POST',
          // Same-origin, as the app's own pages send it: the 404 is for the path, not the origin.
          headers: {
            'content-type': 'application/json',
            cookie: admin.cookie,
            origin: 'http://localhost',
          },
          body: JSON.stringify({ userId: user.principal.userId, role: 'admin' }),
        }),
        {},
      );
      expect(response.status, endpoint).toBe(404);
    }
    const stored = await getPrisma().user.findUniqueOrThrow({
      where: { id: user.principal.userId },
    });
    expect(stored).toMatchObject({ banned: false, role: 'user' });
  });

  it('is for admins, who cannot ban themselves', async () => {
    const user = await createTestUser('user', 'not-admin');
    await expect(
      setUserBanned(user.principal, admin.principal.userId, true, context),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      setUserBanned(admin.principal, admin.principal.userId, true, context),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("revoking a user's keys", () => {
  it('stops every key of theirs at once, and only theirs', async () => {
    const [user, other] = await Promise.all([
      createTestUser('user', 'keys'),
      createTestUser('user', 'other'),
    ]);
    const [first, second, others] = await Promise.all([
      createTestApiKey(user),
      createTestApiKey(user),
      createTestApiKey(other),
    ]);
    expect((await listWithKey(first)).status).toBe(200);

    expect(await revokeUserApiKeys(admin.principal, user.principal.userId, context)).toEqual({
      revoked: 2,
    });
    expect((await listWithKey(first)).status).toBe(401);
    expect((await listWithKey(second)).status).toBe(401);
    expect((await listWithKey(others)).status).toBe(200);
    await expect(
      revokeUserApiKeys(user.principal, other.principal.userId, context),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const audit = await listAuditEvents(admin.principal, {
      action: 'api_key.revoke_all',
      actor: admin.email,
      limit: 50,
    });
    expect(audit.data.find((event) => event.targetId === user.principal.userId)?.details).toEqual({
      email: user.email,
      revoked: 2,
    });
  });
});
