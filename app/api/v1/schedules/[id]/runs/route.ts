import { scheduleRunsQuerySchema } from '@/lib/schedules/schedule-spec';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { parseInput, searchParamsObject, withProblems } from '@/server/http/route';
import { listScheduleRuns } from '@/server/schedules/schedule-runs';

export const dynamic = 'force-dynamic';

/** The schedule's runs, newest first, as tasks. */
export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const page = parseInput(scheduleRunsQuerySchema, searchParamsObject(request));
    return Response.json(await listScheduleRuns(principal, id, page));
  },
);
