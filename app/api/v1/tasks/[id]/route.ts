import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { getTaskWithDetail } from '@/server/tasks/task-error-detail';

export const dynamic = 'force-dynamic';

export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    return Response.json(await getTaskWithDetail(principal, id));
  },
);
