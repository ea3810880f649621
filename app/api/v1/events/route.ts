import { eventStreamHeadersSchema, pickEventStreamHeaders } from '@/lib/realtime/event-stream';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { parseInput, withProblems } from '@/server/http/route';
import { answerHead } from '@/server/realtime/event-stream-session';
import { openTaskFeedStream } from '@/server/realtime/task-feed-stream';

export const dynamic = 'force-dynamic';

/** Server-Sent Events of every task the caller may see (README, "Live events"). */
export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  parseInput(eventStreamHeadersSchema, pickEventStreamHeaders(request.headers));
  return answerHead(request, await openTaskFeedStream(principal, request.headers, request.signal));
});
