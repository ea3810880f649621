import { z } from 'zod';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { readJsonBody, withProblems } from '@/server/http/route';
import { deleteSchedule, getSchedule, updateSchedule } from '@/server/schedules/schedule-service';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = await authenticateRequest(request.headers);
  return Response.json(await getSchedule(principal, id));
});

/** Changes the fields given (a whole `repeat` replaces the old one); `enabled` pauses or resumes. */
export const PATCH = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = await authenticateRequest(request.headers);
  const changes = await readJsonBody(request, z.record(z.string(), z.unknown()), principal);
  return Response.json(
    await updateSchedule(principal, id, changes, auditContextOf(request.headers)),
  );
});

export const DELETE = withProblems<Context>(async (request, { params }) => {
  const { id } = await params;
  const principal = await authenticateRequest(request.headers);
  await deleteSchedule(principal, id, auditContextOf(request.headers));
  return new Response(null, { status: 204 });
});
