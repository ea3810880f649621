import { authenticateRequest } from '@/server/auth/authenticate-request';
import { listTaskFiles } from '@/server/files/task-files';
import { withProblems } from '@/server/http/route';
import { jsonBody, taskFileListSchema } from '@/server/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    return jsonBody(taskFileListSchema, { files: await listTaskFiles(principal, id) });
  },
);
