import { toNextJsHandler } from 'better-auth/next-js';
import { getAuth, throwIfDatabaseDown } from '@/server/auth/auth';
import { runGuardedSignIn } from '@/server/auth/sign-in-guard';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/** Better Auth's own answer, unless it is a 500 that an outage of Postgres explains (a 503). */
async function handle(request: Request, method: 'GET' | 'POST'): Promise<Response> {
  const response = await toNextJsHandler(getAuth())[method](request);
  if (response.status === 500) await throwIfDatabaseDown();
  return response;
}

export const GET = withProblems((request) => handle(request, 'GET'));

export const POST = withProblems(async (request) => {
  if (new URL(request.url).pathname.endsWith('/sign-in/email')) {
    return runGuardedSignIn(request, () => handle(request, 'POST'));
  }
  return handle(request, 'POST');
});
