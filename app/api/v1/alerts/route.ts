import { listAlertRules } from '@/server/alerts/alert-rule-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { alertRuleListSchema, jsonBody } from '@/server/http/api-schemas';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/** Admins: every alert rule with its state (`firing`: since when, last value; null when quiet). */
export const GET = withProblems(async (request) => {
  const principal = await authenticateRequest(request.headers);
  return jsonBody(alertRuleListSchema, { data: await listAlertRules(principal) });
});
