import { getOpenApiDocument } from '@/server/http/openapi-document';
import { discoverRoutes, discoverServerEndpoints } from './route-files';

// The operations the app serves (its route files and the web process's own endpoints, as
// route-discovery finds them) and the ones the OpenAPI document describes, each as
// `METHOD /path/{param}`: the unit test requires the two lists to be equal and the SSE bench
// prints both counts.

/** Better Auth's own endpoints (sign-in, sessions, API key management) are its contract. */
export const UNDOCUMENTED_ROUTES = ['/api/auth/[...all]'];

const toOpenApiPath = (urlPath: string) => urlPath.replace(/\[([^\]]+)\]/g, '{$1}');
const DOCUMENTED_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `GET /api/v1/tasks/{id}`... for every method of every API route and endpoint, sorted. */
export function listServedOperations(): string[] {
  const routes = discoverRoutes()
    .filter(
      (route) => route.urlPath.startsWith('/api/') && !UNDOCUMENTED_ROUTES.includes(route.urlPath),
    )
    .map((route) => ({ path: route.urlPath, methods: route.methods }));
  const endpoints = discoverServerEndpoints().map((endpoint) => ({
    path: endpoint.urlPath,
    methods: endpoint.methods,
  }));
  return [...routes, ...endpoints]
    .flatMap(({ path, methods }) =>
      methods
        .filter((method) => method !== 'HEAD' && method !== 'OPTIONS')
        .map((method) => `${method} ${toOpenApiPath(path)}`),
    )
    .sort();
}

/** Every operation of the OpenAPI document, keyed as listServedOperations() keys them. */
export function listDocumentedOperations() {
  const paths = getOpenApiDocument().paths ?? {};
  return Object.entries(paths).flatMap(([path, item]) =>
    DOCUMENTED_METHODS.filter((method) => item?.[method]).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: item![method]!,
    })),
  );
}

export interface OpenApiCoverage {
  documented: number;
  served: number;
  /** Served but not in the document. */
  missing: string[];
  /** In the document but not served. */
  extra: string[];
}

/** How far the document and the app agree; the unit test wants both lists empty. */
export function compareOpenApiOperations(): OpenApiCoverage {
  const served = listServedOperations();
  const documented = listDocumentedOperations().map((entry) => entry.key);
  return {
    documented: documented.length,
    served: served.length,
    missing: served.filter((key) => !documented.includes(key)),
    extra: documented.filter((key) => !served.includes(key)),
  };
}
