import { z } from 'zod';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { parseInput, searchParamsObject, withProblems } from '@/server/http/route';
import { listScheduleRuns } from '@/server/schedules/schedule-runs';

export const dynamic = 'force-dynamic';

const pageSchema = z
  .object({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

/** The schedule's runs, newest first, as tasks. */
export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const page = parseInput(pageSchema, searchParamsObject(request));
    return Response.json(await listScheduleRuns(principal, id, page));
  },
);
