import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { nextCookies } from 'better-auth/next-js';
import { admin } from 'better-auth/plugins';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { getPrisma } from '@/server/infra/clients';
import { isInfrastructureError } from '@/server/infra/infra-errors';
import { appOriginsOf } from '@/server/security/same-origin';
import { resolveAuthSecret } from './auth-secret';
import { invalidateUserPrincipals } from './principal-cache';

// Better Auth: email and password accounts, sessions in Postgres, roles from the admin plugin.

/** Better Auth's log lines go to our logger; an outage it reports is a warning, not an error. */
function forwardLog(
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  ...args: unknown[]
) {
  const err = args.find((arg) => arg instanceof Error);
  const outage = args.some(isInfrastructureError);
  getLogger()[outage && level === 'error' ? 'warn' : level](
    { from: 'better-auth', ...(err ? { err } : {}) },
    message,
  );
}

function createAuth() {
  const env = getEnv();
  return betterAuth({
    secret: resolveAuthSecret(env),
    ...(env.PUBLIC_URL ? { baseURL: env.PUBLIC_URL } : {}),
    // Same-origin requests are trusted whatever name the server was reached by (localhost,
    // 127.0.0.1, a LAN address); cross-site ones are refused. Without this, Better Auth trusts
    // only the origin Next reconstructs (http://localhost:PORT) unless PUBLIC_URL is set.
    trustedOrigins: (request) => {
      const host = request?.headers.get('host');
      const origins = host ? [`http://${host}`, `https://${host}`] : [];
      // PUBLIC_URL's, and a trusted proxy's X-Forwarded-Host (server/security/same-origin.ts).
      return request ? [...origins, ...appOriginsOf(request.headers)] : origins;
    },
    database: prismaAdapter(getPrisma(), { provider: 'postgresql' }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // Our own limiter (server/security) counts in Redis, so it holds across web nodes.
    rateLimit: { enabled: false },
    // Errors that are not Better Auth's own (Postgres down) reach our route wrapper, which
    // answers an outage with 503 instead of the bare 500 Better Auth would send.
    onAPIError: { throw: true },
    logger: { log: forwardLog },
    telemetry: { enabled: false },
    // A ban, a role change or a sign-out takes effect at once on every web node, not only once
    // the cached principal expires.
    databaseHooks: {
      user: { update: { after: (user) => invalidateUserPrincipals(user.id) } },
      session: { delete: { after: (session) => invalidateUserPrincipals(session.userId) } },
    },
    plugins: [admin({ defaultRole: 'user', adminRoles: ['admin'] }), nextCookies()],
    // Secure (and __Secure- prefixed) cookies when served over https, which PUBLIC_URL tells;
    // a self-hosted instance on plain http (a LAN, localhost) must still be able to sign in.
    // Behind a trusted TLS proxy, server/security/security-headers.ts adds Secure per request.
    advanced: {
      useSecureCookies: env.PUBLIC_URL?.startsWith('https://') ?? false,
      trustedProxyHeaders: env.TRUST_PROXY_HEADERS,
    },
  });
}

/**
 * Better Auth's admin plugin endpoints (/api/auth/admin/*: set-role, ban-user, impersonate-user,
 * create-user…) are not served: our services do these with our rules and an audit entry
 * (server/auth/user-service.ts); the plugin stays for its schema and the ban check at sign-in.
 */
export function isUnservedAuthPath(pathname: string): boolean {
  return /\/api\/auth\/admin(\/|$)/.test(pathname);
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as { __taskdeckAuth?: Auth };

export function getAuth(): Auth {
  globalForAuth.__taskdeckAuth ??= createAuth();
  return globalForAuth.__taskdeckAuth;
}

/**
 * Better Auth answers a failed database read with a bare 500 and drops the cause (see
 * better-auth/dist/api/routes/session.mjs). Postgres being down is the usual one: this asks it,
 * and throws the outage's own error (a 503 at the edges) when that is what it was.
 */
export async function throwIfDatabaseDown(): Promise<void> {
  await getPrisma().$queryRaw`SELECT 1`;
}
