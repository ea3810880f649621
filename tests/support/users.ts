import { randomUUID } from 'node:crypto';
import { createApiKey } from '@/server/auth/api-keys';
import { getAuth } from '@/server/auth/auth';
import type { UserPrincipal } from '@/server/auth/principal';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { getPrisma } from '@/server/infra/clients';

export interface TestUser {
  principal: UserPrincipal;
  email: string;
  password: string;
  /** The session cookie, as a Cookie request header. */
  cookie: string;
}

/** A real account made through Better Auth, signed in, with the role asked for. */
export async function createTestUser(
  role: 'user' | 'admin' = 'user',
  label: string = role,
): Promise<TestUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const response = await getAuth().api.signUpEmail({
    body: { email, password, name: label },
    asResponse: true,
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const { user } = (await response.json()) as { user: { id: string } };
  if (role === 'admin') await getPrisma().user.update({ where: { id: user.id }, data: { role } });
  const cookie = response.headers
    .getSetCookie()
    .map((entry) => entry.split(';')[0])
    .join('; ');
  return {
    principal: { kind: 'user', userId: user.id, email, role, via: 'session' },
    email,
    password,
    cookie,
  };
}

export async function createTestApiKey(user: TestUser, expiresInDays?: number): Promise<string> {
  const { key } = await createApiKey(
    user.principal,
    { name: 'test', expiresInDays },
    NO_AUDIT_CONTEXT,
  );
  return key;
}
