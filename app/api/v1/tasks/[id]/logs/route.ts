import { authenticateRequest } from '@/server/auth/authenticate-request';
import { listTaskLogs } from '@/server/files/task-files';
import { withProblems } from '@/server/http/route';
import { jsonBody, taskLogListSchema } from '@/server/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    return jsonBody(taskLogListSchema, { lines: await listTaskLogs(principal, id) });
  },
);
