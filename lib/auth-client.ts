import { createAuthClient } from 'better-auth/react';

// Better Auth in the browser: sign up, sign in, sign out against /api/auth on the current
// origin. Roles are changed through server actions, so the admin client plugin is not needed.
export const authClient = createAuthClient();

/** What Better Auth (or our problem+json guard in front of it) answered on failure. */
export interface AuthFailure {
  status: number;
  code?: string;
  message?: string;
  /** problem+json, from the sign-in guard (e.g. a 429). */
  detail?: string;
}

const FRIENDLY_MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: 'Wrong email or password.',
  INVALID_EMAIL: 'Enter a valid email address.',
  INVALID_PASSWORD: 'Wrong email or password.',
  USER_ALREADY_EXISTS: 'An account with this email already exists. Sign in instead.',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL:
    'An account with this email already exists. Sign in instead.',
  PASSWORD_TOO_SHORT: 'The password is too short: use at least 8 characters.',
  PASSWORD_TOO_LONG: 'The password is too long: use at most 128 characters.',
  BANNED_USER: 'This account has been suspended.',
};

function retryAfterSeconds(failure: AuthFailure, retryAfterHeader: string | null): number | null {
  const fromHeader = Number(retryAfterHeader);
  if (retryAfterHeader && Number.isFinite(fromHeader) && fromHeader > 0) {
    return Math.ceil(fromHeader);
  }
  const fromDetail = /(\d+)\s*s\b/.exec(failure.detail ?? failure.message ?? '');
  return fromDetail ? Number(fromDetail[1]) : null;
}

/** A sentence for the form, from a failed Better Auth call and its response's Retry-After. */
export function describeAuthFailure(failure: AuthFailure, retryAfterHeader: string | null): string {
  if (failure.status === 429) {
    const seconds = retryAfterSeconds(failure, retryAfterHeader);
    return seconds
      ? `Too many attempts, try again in ${seconds} s.`
      : 'Too many attempts, try again in a minute.';
  }
  if (failure.code && FRIENDLY_MESSAGES[failure.code]) return FRIENDLY_MESSAGES[failure.code]!;
  if (failure.status >= 500) return 'Something went wrong on our side. Try again.';
  return failure.message || failure.detail || 'That did not work. Check the form and try again.';
}
