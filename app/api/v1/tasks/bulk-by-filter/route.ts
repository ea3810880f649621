import { filterBulkRequestSchema } from '@/lib/tasks/filter-bulk-inputs';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withAdmission } from '@/server/http/admission';
import { readJsonBody, withProblems } from '@/server/http/route';
import { previewFilterBulk, startFilterBulkAction } from '@/server/tasks/task-filter-bulk';

export const dynamic = 'force-dynamic';

/**
 * Admins: `{ "action": "cancel" | "retry" | "delete", "filter": {...} }` starts a `tasks.bulk`
 * task that acts on every task the list filter matches (202 with the task, its result the
 * counts); `{ "dryRun": true, "filter": {...} }` only counts them.
 */
export const POST = withAdmission(
  withProblems(async (request) => {
    const principal = await authenticateRequest(request.headers);
    const { action, dryRun, filter } = await readJsonBody(
      request,
      filterBulkRequestSchema,
      principal,
    );
    if (dryRun || !action) return Response.json(await previewFilterBulk(principal, filter));
    const task = await startFilterBulkAction(
      principal,
      { action, filter },
      auditContextOf(request.headers),
    );
    return Response.json(task, { status: 202, headers: { location: `/api/v1/tasks/${task.id}` } });
  }),
);
