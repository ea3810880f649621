import { createTaskInputSchema, listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { authenticateRequest } from '@/server/auth/principal';
import { parseInput, readJsonBody, searchParamsObject, withProblems } from '@/server/http/route';
import { createTask, listTasks } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

export const POST = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const input = await readJsonBody(request, createTaskInputSchema);
  const task = await createTask(principal, input);
  return Response.json(task, { status: 201, headers: { location: `/api/v1/tasks/${task.id}` } });
});

export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  const query = parseInput(listTasksQuerySchema, searchParamsObject(request));
  return Response.json(await listTasks(principal, query));
});
