import {
  eventStreamHeadersSchema,
  pickEventStreamHeaders,
  taskEventsParamsSchema,
} from '@/lib/realtime/event-stream';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { parseInput, withProblems } from '@/server/http/route';
import { answerHead } from '@/server/realtime/event-stream-session';
import { openTaskEventStream } from '@/server/realtime/task-event-stream';

export const dynamic = 'force-dynamic';

/** Server-Sent Events of one task, snapshot to terminal status (README, "Live events"). */
export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = parseInput(taskEventsParamsSchema, await params);
    const principal = await authenticateRequest(request.headers);
    parseInput(eventStreamHeadersSchema, pickEventStreamHeaders(request.headers));
    return answerHead(
      request,
      await openTaskEventStream(principal, id, request.headers, request.signal),
    );
  },
);
