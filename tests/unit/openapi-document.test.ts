import { describe, expect, it } from 'vitest';
import { getOpenApiDocument } from '@/server/http/openapi-document';
import { discoverRoutes, discoverServerEndpoints } from '../support/route-discovery';

// The OpenAPI document must describe every route the app serves, with the methods it serves,
// and nothing else: a route added without its operation fails here.

/** Better Auth's own endpoints (sign-in, sessions, API key management) are its contract. */
const UNDOCUMENTED = ['/api/auth/[...all]'];

const toOpenApiPath = (urlPath: string) => urlPath.replace(/\[([^\]]+)\]/g, '{$1}');
const DOCUMENTED_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function servedOperations(): string[] {
  const routes = discoverRoutes()
    .filter((route) => route.urlPath.startsWith('/api/') && !UNDOCUMENTED.includes(route.urlPath))
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

function documentedOperations() {
  const paths = getOpenApiDocument().paths ?? {};
  return Object.entries(paths).flatMap(([path, item]) =>
    DOCUMENTED_METHODS.filter((method) => item?.[method]).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: item![method]!,
    })),
  );
}

describe('the OpenAPI document', () => {
  it('has one operation for each method of each route the app serves, and no other', () => {
    const served = servedOperations();
    expect(served.length).toBeGreaterThan(20);
    expect(
      documentedOperations()
        .map((entry) => entry.key)
        .sort(),
    ).toEqual(served);
  });

  it('documents 401 for every operation that needs credentials, as a problem', () => {
    for (const { key, operation } of documentedOperations()) {
      if ((operation.security ?? []).length === 0) continue;
      expect(Object.keys(operation.responses ?? {}), key).toContain('401');
    }
  });

  it('gives every error response the shared Problem schema as application/problem+json', () => {
    for (const { key, operation } of documentedOperations()) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) < 400 || key === 'GET /api/health') continue;
        const content = (response as { content?: Record<string, { schema?: unknown }> }).content;
        expect(Object.keys(content ?? {}), `${key} ${status}`).toEqual([
          'application/problem+json',
        ]);
        expect(content!['application/problem+json']!.schema, `${key} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
    }
  });

  it('has a unique operationId for every operation', () => {
    const ids = documentedOperations().map((entry) => entry.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  });
});
