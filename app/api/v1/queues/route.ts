import { authenticateRequest } from '@/server/auth/authenticate-request';
import { withProblems } from '@/server/http/route';
import { listQueues } from '@/server/queues/queue-service';
import { jsonBody, queueListSchema } from '@/server/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  return jsonBody(queueListSchema, { data: await listQueues(principal) });
});
