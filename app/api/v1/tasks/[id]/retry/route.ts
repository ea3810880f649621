import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { retryTask } from '@/server/tasks/task-control';

export const dynamic = 'force-dynamic';

export const POST = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const task = await retryTask(principal, id, auditContextOf(request.headers));
    return Response.json(task, { status: 202 });
  },
);
