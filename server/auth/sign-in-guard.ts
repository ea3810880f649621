import { createHash } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { RateLimitedError } from '@/lib/errors';
import { auditContextOf, recordAudit, type AuditContext } from '@/server/audit/audit-service';
import {
  assertNotLockedOut,
  forgetFailures,
  recordFailure,
  type BackoffPolicy,
} from '@/server/security/failure-backoff';
import { consumeRateLimit } from '@/server/security/rate-limit';
import type { UserPrincipal } from './principal';

// Brute-force guard around Better Auth's sign-in. Wrong passwords are counted per (email,
// client address), with exponential backoff once AUTH_RATE_LIMIT_MAX have failed, so an attacker
// on one address locks only themselves out: the owner signs in from anywhere else. Attempts
// per address are limited more generously, whatever the email. Every sign-in, good or bad, is
// in the audit log with its address.

const PER_CLIENT_FACTOR = 5;
/** The longest a pair is locked, and how long its failures are remembered. */
const MAX_LOCK_SECONDS = 3_600;
const FAILURE_MEMORY_SECONDS = 86_400;

async function readEmail(request: Request): Promise<string> {
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    return typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
  } catch {
    return '';
  }
}

function pairSubject(email: string, ip: string | null): string {
  const digest = createHash('sha256')
    .update(`${email}\n${ip ?? ''}`)
    .digest('base64url');
  return `sign-in:${digest}`;
}

function backoffPolicy(): BackoffPolicy {
  const env = getEnv();
  return {
    failuresBeforeLock: env.AUTH_RATE_LIMIT_MAX,
    baseSeconds: env.AUTH_RATE_LIMIT_WINDOW_S,
    maxSeconds: Math.max(MAX_LOCK_SECONDS, env.AUTH_RATE_LIMIT_WINDOW_S),
    memorySeconds: FAILURE_MEMORY_SECONDS,
  };
}

async function checkLimits(email: string, subject: string, context: AuditContext) {
  const env = getEnv();
  await assertNotLockedOut(subject);
  try {
    await consumeRateLimit(`sign-in:ip:${context.ip}`, {
      max: env.AUTH_RATE_LIMIT_MAX * PER_CLIENT_FACTOR,
      windowSeconds: env.AUTH_RATE_LIMIT_WINDOW_S,
    });
  } catch (error) {
    if (error instanceof RateLimitedError && error.firstRejection) {
      await recordAudit({ email: email || null }, 'auth.rate_limited', null, context, {
        what: 'sign-in',
        per: 'address',
      });
    }
    throw error;
  }
}

interface SignInAnswer {
  code?: unknown;
  user?: { id?: unknown; email?: unknown; role?: unknown };
}

async function readAnswer(response: Response): Promise<SignInAnswer> {
  try {
    return (await response.clone().json()) as SignInAnswer;
  } catch {
    return {};
  }
}

async function recordOutcome(
  email: string,
  subject: string,
  response: Response,
  context: AuditContext,
): Promise<void> {
  const answer = await readAnswer(response);
  const user = answer.user;
  if (response.ok && typeof user?.id === 'string' && typeof user.email === 'string') {
    await forgetFailures(subject);
    const actor: UserPrincipal = {
      kind: 'user',
      userId: user.id,
      email: user.email,
      role: user.role === 'admin' ? 'admin' : 'user',
      via: 'session',
    };
    await recordAudit(actor, 'auth.sign_in', { type: 'user', id: user.id }, context);
    return;
  }
  // Only a wrong email or password is a guess; a banned user or a malformed body is not.
  const lockedForSeconds =
    response.status === 401 ? await recordFailure(subject, backoffPolicy()) : 0;
  const actor = { email: email || null };
  await recordAudit(actor, 'auth.sign_in_failed', null, context, {
    status: response.status,
    reason: typeof answer.code === 'string' ? answer.code.slice(0, 100) : null,
  });
  if (lockedForSeconds > 0) {
    await recordAudit(actor, 'auth.rate_limited', null, context, {
      what: 'sign-in',
      per: 'email and address',
      lockedForSeconds,
    });
  }
}

/**
 * Runs a sign-in (`signIn`: Better Auth's handler) behind the limits: 429 with Retry-After
 * while this email and address are backing off or the address is over its limit.
 */
export async function runGuardedSignIn(
  request: Request,
  signIn: () => Promise<Response>,
): Promise<Response> {
  const context = auditContextOf(request.headers);
  const email = await readEmail(request);
  const subject = pairSubject(email, context.ip);
  await checkLimits(email, subject, context);
  const response = await signIn();
  await recordOutcome(email, subject, response, context);
  return response;
}
