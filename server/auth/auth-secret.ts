import type { Env } from '@/lib/env';

// Only for development and tests; production must set AUTH_SECRET (`npm start` generates one).
const DEVELOPMENT_SECRET = 'taskdeck-development-secret-not-for-production-use';

/**
 * The installation's secret: Better Auth signs sessions with it, and the webhook secrets are
 * sealed with a key derived from it. Kept apart from auth.ts so the worker can read it without
 * loading Better Auth.
 */
export function resolveAuthSecret(env: Env): string {
  if (!env.AUTH_SECRET && env.NODE_ENV === 'production') {
    throw new Error('AUTH_SECRET must be set in production (32+ random characters).');
  }
  return env.AUTH_SECRET ?? DEVELOPMENT_SECRET;
}
