import { describe, expect, it } from 'vitest';
import { listDocumentedOperations, listServedOperations } from '../support/openapi-operations';

// The OpenAPI document must describe every route the app serves, with the methods it serves,
// and nothing else: a route added without its operation fails here.

describe('the OpenAPI document', () => {
  it('has one operation for each method of each route the app serves, and no other', () => {
    const served = listServedOperations();
    expect(served.length).toBeGreaterThan(20);
    expect(
      listDocumentedOperations()
        .map((entry) => entry.key)
        .sort(),
    ).toEqual(served);
  });

  it('documents 401 for every operation that needs credentials, as a problem', () => {
    for (const { key, operation } of listDocumentedOperations()) {
      if ((operation.security ?? []).length === 0) continue;
      expect(Object.keys(operation.responses ?? {}), key).toContain('401');
    }
  });

  it('gives every error response the shared Problem schema as application/problem+json', () => {
    for (const { key, operation } of listDocumentedOperations()) {
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
    const ids = listDocumentedOperations().map((entry) => entry.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  });
});
