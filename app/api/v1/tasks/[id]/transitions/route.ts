import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { listTaskTransitions } from '@/server/tasks/task-service';
import { jsonBody, transitionListSchema } from '@/server/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    return jsonBody(transitionListSchema, { data: await listTaskTransitions(principal, id) });
  },
);
