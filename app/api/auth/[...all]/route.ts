import { toNextJsHandler } from 'better-auth/next-js';
import { getAuth } from '@/server/auth/auth';
import { guardSignIn } from '@/server/auth/sign-in-guard';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => toNextJsHandler(getAuth()).GET(request);

export const POST = withProblems(async (request) => {
  if (new URL(request.url).pathname.endsWith('/sign-in/email')) await guardSignIn(request);
  return toNextJsHandler(getAuth()).POST(request);
});
