import {
  createTaskInputSchema,
  idempotencyKeySchema,
  listTasksQuerySchema,
} from '@/lib/tasks/task-inputs';
import { authenticateRequest } from '@/server/auth/principal';
import { withAdmission } from '@/server/http/admission';
import { parseInput, readJsonBody, searchParamsObject, withProblems } from '@/server/http/route';
import { submitTask } from '@/server/tasks/task-submission';
import { listTasks } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

export const POST = withAdmission(
  withProblems(async (request) => {
    const principal = await authenticateRequest(request.headers);
    const rawKey = request.headers.get('idempotency-key');
    const idempotencyKey = rawKey === null ? undefined : parseInput(idempotencyKeySchema, rawKey);
    const input = await readJsonBody(request, createTaskInputSchema);
    const { task, replayed } = await submitTask(principal, input, { idempotencyKey });
    return Response.json(task, {
      // A replay answers like the first response did, marked as a replay.
      status: 201,
      headers: {
        location: `/api/v1/tasks/${task.id}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    });
  }),
);

export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const query = parseInput(listTasksQuerySchema, searchParamsObject(request));
  return Response.json(await listTasks(principal, query));
});
