import { describe, expect, it } from 'vitest';
import { UPLOAD_PATH } from '@/server/http/upload-endpoint';
import { allowedMethods, REST_ROUTES } from '@/server/http/rest-routes';
import { discoverRoutes } from '../support/route-discovery';

// The edge guard answers unknown REST paths and methods from this table: it must list exactly
// the route files under app/api/v1 (and the upload endpoint the web process serves itself).

describe('REST route table', () => {
  it('matches the route files under app/api/v1 and their methods', () => {
    const discovered = discoverRoutes()
      .filter((route) => route.urlPath.startsWith('/api/v1/'))
      .map((route) => ({ path: route.urlPath, methods: [...route.methods].sort() }));
    const table = REST_ROUTES.filter((route) => route.path !== UPLOAD_PATH).map((route) => ({
      path: route.path,
      methods: [...route.methods].sort(),
    }));
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(table.sort(byPath)).toEqual(discovered.sort(byPath));
  });

  it('prefers a static segment, adds HEAD and OPTIONS, and knows no other path', () => {
    expect(allowedMethods('/api/v1/tasks/bulk')).toEqual(['POST', 'OPTIONS']);
    expect(allowedMethods('/api/v1/tasks/0198-x')).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(allowedMethods('/api/v1/tasks/')).toEqual(['GET', 'POST', 'HEAD', 'OPTIONS']);
    expect(allowedMethods('/api/v1/nope')).toBeNull();
    expect(allowedMethods('/api/v1/tasks/a/b/c/d')).toBeNull();
  });
});
