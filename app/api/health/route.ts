import { checkHealth } from '@/server/health/health-service';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const GET = withProblems(async () => {
  const report = await checkHealth();
  return Response.json(report, {
    status: report.status === 'down' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
});
