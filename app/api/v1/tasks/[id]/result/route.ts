import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { rangeChooser } from '@/server/http/download-range';
import { fileResponse } from '@/server/http/file-response';
import { withProblems } from '@/server/http/route';
import { openTaskResult } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

/** The task's main output (the first of its files); a single `Range` answers 206 with it. */
export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const file = await openTaskResult(
      principal,
      id,
      auditContextOf(request.headers),
      rangeChooser(request.headers),
    );
    return fileResponse(file, false);
  },
);
