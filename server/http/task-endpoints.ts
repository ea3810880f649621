import {
  createTaskInputSchema,
  idempotencyKeySchema,
  listTasksQuerySchema,
} from '@/lib/tasks/task-inputs';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { submitTask } from '@/server/tasks/task-submission';
import { listTasks } from '@/server/tasks/task-search';
import { withAdmission } from './admission';
import {
  parseInput,
  readJsonBody,
  searchParamsObject,
  withProblems,
  type ApiRequest,
} from './route';

// The REST create and list, shared by Next's route (app/api/v1/tasks/route.ts) and the web process's
// own fast path for it (direct-endpoints.ts): one handler, whichever serves the request.

/** POST /api/v1/tasks */
export const createTaskEndpoint = withAdmission(
  withProblems<void, ApiRequest>(async (request) => {
    // The caller is known before a byte of the body is read.
    const principal = requireUser(await authenticateRequest(request.headers));
    const rawKey = request.headers.get('idempotency-key');
    const idempotencyKey = rawKey === null ? undefined : parseInput(idempotencyKeySchema, rawKey);
    const input = await readJsonBody(request, createTaskInputSchema, principal);
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

/** GET /api/v1/tasks: one page of the caller's tasks (admins: everyone's), filtered. */
export const listTasksEndpoint = withProblems<void, ApiRequest>(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const query = parseInput(listTasksQuerySchema, searchParamsObject(request));
  return Response.json(await listTasks(principal, query));
});
