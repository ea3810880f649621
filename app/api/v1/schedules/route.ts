import { z } from 'zod';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { readJsonBody, withProblems } from '@/server/http/route';
import { createSchedule, listSchedules } from '@/server/schedules/schedule-service';
import { jsonBody, scheduleListSchema } from '@/server/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  return jsonBody(scheduleListSchema, { data: await listSchedules(principal) });
});

/** The body is checked whole by the service: lib/schedules/schedule-spec.ts. */
export const POST = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const body = await readJsonBody(request, z.record(z.string(), z.unknown()), principal);
  const schedule = await createSchedule(principal, body, auditContextOf(request.headers));
  return Response.json(schedule, {
    status: 201,
    headers: { Location: `/api/v1/schedules/${schedule.id}` },
  });
});
