import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '@/lib/api/openapi-types';

// The typed REST client the e2e tests and the benchmarks call Taskdeck with: openapi-fetch over
// the types generated from the OpenAPI document (lib/api/openapi-types.ts, `npm run
// generate:api`), so every path, parameter and body they send or read is checked against the
// published contract at compile time; no request or response type is written by hand here.

export type ApiClient = Client<paths>;
export type ApiSchemas = components['schemas'];
/** What POST /api/v1/tasks takes. */
export type CreateTaskBody = operations['createTask']['requestBody']['content']['application/json'];

/** Who calls: an API key (Bearer) or a signed-in session's cookie header. */
export type ApiCaller = { apiKey: string } | { cookie: string };

export function createApiClient(baseUrl: string, caller: ApiCaller): ApiClient {
  const headers =
    'apiKey' in caller ? { authorization: `Bearer ${caller.apiKey}` } : { cookie: caller.cookie };
  return createClient<paths>({ baseUrl, headers });
}

interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body when it succeeded; otherwise throws with the status and problem body. */
export function requireData<T>(result: ApiResult<T>): T {
  const { data, error, response } = result;
  if (error !== undefined || data === undefined) {
    throw new Error(`${response.url} answered ${response.status}: ${JSON.stringify(error)}`);
  }
  return data;
}
