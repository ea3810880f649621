import { listDocumentedOperations, listServedOperations } from '@/tests/support/openapi-operations';

// Child of the SSE bench: the operations of the OpenAPI document against the routes the app
// serves. Its own process because route discovery imports 'server-only' modules, which load only
// under the react-server condition (as vitest's alias does for the tests); the bench itself
// must not run under that condition. Prints one line: OPENAPI_COVERAGE=<json>.

export interface OpenApiCoverage {
  documented: number;
  served: number;
  /** Served but not in the document. */
  missing: string[];
  /** In the document but not served. */
  extra: string[];
}

const served = listServedOperations();
const documented = listDocumentedOperations().map((entry) => entry.key);
const coverage: OpenApiCoverage = {
  documented: documented.length,
  served: served.length,
  missing: served.filter((key) => !documented.includes(key)),
  extra: documented.filter((key) => !served.includes(key)),
};
console.log(`OPENAPI_COVERAGE=${JSON.stringify(coverage)}`);
