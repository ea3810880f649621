import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { setQueuePaused } from '@/server/queues/queue-service';

export const dynamic = 'force-dynamic';

export const POST = withProblems<{ params: Promise<{ name: string }> }>(
  async (request, { params }) => {
    const { name } = await params;
    const principal = await authenticateRequest(request.headers);
    return Response.json(
      await setQueuePaused(principal, name, true, auditContextOf(request.headers)),
    );
  },
);
