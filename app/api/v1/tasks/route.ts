import { createTaskEndpoint, listTasksEndpoint } from '@/server/http/task-endpoints';

export const dynamic = 'force-dynamic';

// Both usually answered before Next by the web process itself (server/http/direct-endpoints.ts).
export const POST = (request: Request) => createTaskEndpoint(request);

export const GET = (request: Request) => listTasksEndpoint(request);
