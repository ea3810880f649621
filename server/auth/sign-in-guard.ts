import { getEnv } from '@/lib/env';
import { RateLimitedError } from '@/lib/errors';
import { auditContextOf, recordAudit } from '@/server/audit/audit-service';
import { consumeRateLimit } from '@/server/security/rate-limit';

// Brute-force guard in front of Better Auth's sign-in: attempts per email address, and (more
// generously) per client address, counted in Redis across every web node.

const PER_CLIENT_FACTOR = 5;

async function readEmail(request: Request): Promise<string> {
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    return typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
  } catch {
    return '';
  }
}

export async function guardSignIn(request: Request): Promise<void> {
  const env = getEnv();
  const limit = { max: env.AUTH_RATE_LIMIT_MAX, windowSeconds: env.AUTH_RATE_LIMIT_WINDOW_S };
  const context = auditContextOf(request.headers);
  const email = await readEmail(request);
  try {
    await consumeRateLimit(`sign-in:email:${email}`, limit);
    await consumeRateLimit(`sign-in:ip:${context.ip}`, {
      ...limit,
      max: limit.max * PER_CLIENT_FACTOR,
    });
  } catch (error) {
    if (error instanceof RateLimitedError && error.firstRejection) {
      await recordAudit({ email: email || null }, 'auth.rate_limited', null, context, {
        what: 'sign-in',
      });
    }
    throw error;
  }
}
