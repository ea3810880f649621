import { toNextJsHandler } from 'better-auth/next-js';
import { NotFoundError } from '@/lib/errors';
import { getAuth, isUnservedAuthPath, throwIfDatabaseDown } from '@/server/auth/auth';
import { runGuardedSignIn } from '@/server/auth/sign-in-guard';
import { runSignUp } from '@/server/auth/sign-up-policy';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/** Better Auth's own answer, unless it is a 500 that an outage of Postgres explains (a 503). */
async function handle(request: Request, method: 'GET' | 'POST'): Promise<Response> {
  if (isUnservedAuthPath(new URL(request.url).pathname)) throw new NotFoundError();
  const response = await toNextJsHandler(getAuth())[method](request);
  if (response.status === 500) await throwIfDatabaseDown();
  return response;
}

export const GET = withProblems((request) => handle(request, 'GET'));

export const POST = withProblems(async (request) => {
  const { pathname } = new URL(request.url);
  const run = () => handle(request, 'POST');
  if (pathname.endsWith('/sign-in/email')) return runGuardedSignIn(request, run);
  if (pathname.endsWith('/sign-up/email')) return runSignUp(request, run);
  return run();
});
