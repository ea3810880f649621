import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { authenticateRequest } from '@/server/auth/principal';
import { parseInput, searchParamsObject, withProblems } from '@/server/http/route';
import { createTaskEndpoint } from '@/server/http/task-endpoints';
import { listTasks } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

// Usually answered before Next by the web process itself (server/http/direct-endpoints.ts).
export const POST = (request: Request) => createTaskEndpoint(request);

export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const query = parseInput(listTasksQuerySchema, searchParamsObject(request));
  return Response.json(await listTasks(principal, query));
});
