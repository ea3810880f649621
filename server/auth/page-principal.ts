import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { isAppError } from '@/lib/errors';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { ANONYMOUS, type Principal } from '@/server/auth/principal';

// Server components only: who is looking at this page, resolved once per request.

/**
 * The request's principal. An expected authentication failure (a malformed or unknown
 * `Authorization` header, a rate limit) counts as signed out; anything else (the database is
 * down) is thrown, for the page's error boundary.
 */
export const getPagePrincipal = cache(async (): Promise<Principal> => {
  try {
    return await authenticateRequest(await headers());
  } catch (error) {
    if (isAppError(error)) return ANONYMOUS;
    throw error;
  }
});
