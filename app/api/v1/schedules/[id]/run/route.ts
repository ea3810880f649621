import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { runScheduleNow } from '@/server/schedules/schedule-runs';

export const dynamic = 'force-dynamic';

/** Runs the schedule's task now; the run is recorded in the schedule's history. */
export const POST = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const task = await runScheduleNow(principal, id, auditContextOf(request.headers));
    return Response.json(task, {
      status: 201,
      headers: { Location: `/api/v1/tasks/${task.id}` },
    });
  },
);
