import { bulkTaskActionSchema } from '@/lib/tasks/task-inputs';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withAdmission } from '@/server/http/admission';
import { readJsonBody, withProblems } from '@/server/http/route';
import { runBulkTaskAction } from '@/server/tasks/task-control';

export const dynamic = 'force-dynamic';

/** Admins: `{ "action": "cancel" | "retry", "ids": [...] }`; each task's outcome is reported. */
export const POST = withAdmission(
  withProblems(async (request) => {
    const principal = await authenticateRequest(request.headers);
    const input = await readJsonBody(request, bulkTaskActionSchema, principal);
    return Response.json(
      await runBulkTaskAction(principal, input, auditContextOf(request.headers)),
    );
  }),
);
