import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REST_ROUTES } from '@/server/http/rest-routes';
import { METRICS_PATH } from './metrics-path';

// The `route` label of taskdeck_http_request_duration_seconds: the route's pattern
// (/api/v1/tasks/[id]), never the path itself, so the label has as many values as the app has
// routes, whatever paths clients send. The patterns are Next's own route table
// (.next/routes-manifest.json, written by `next build` and by the dev server), plus the REST
// routes and the endpoints the web process serves before Next (in case the manifest is not
// there yet). Anything else is "unmatched".

const UNMATCHED = 'unmatched';
const NEXT_ASSETS = '/_next/';

interface ManifestRoute {
  page: string;
  regex: string;
}

interface RouteTable {
  exact: Map<string, string>;
  patterns: Array<{ page: string; pattern: RegExp }>;
}

function readManifest(): { staticRoutes: ManifestRoute[]; dynamicRoutes: ManifestRoute[] } {
  for (const file of ['.next/routes-manifest.json', '.next/dev/routes-manifest.json']) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(process.cwd(), file), 'utf8')) as {
        staticRoutes?: ManifestRoute[];
        dynamicRoutes?: ManifestRoute[];
      };
      return {
        staticRoutes: manifest.staticRoutes ?? [],
        dynamicRoutes: manifest.dynamicRoutes ?? [],
      };
    } catch {
      // Not built (yet): the table below still knows the REST routes.
    }
  }
  return { staticRoutes: [], dynamicRoutes: [] };
}

function buildTable(): RouteTable {
  const { staticRoutes, dynamicRoutes } = readManifest();
  const exact = new Map<string, string>([[METRICS_PATH, METRICS_PATH]]);
  for (const route of staticRoutes) exact.set(route.page, route.page);
  const patterns: RouteTable['patterns'] = [];
  for (const route of REST_ROUTES) {
    if (!route.path.includes('[')) exact.set(route.path, route.path);
    else {
      const source = route.path.replace(/\[[^\]]+\]/g, '[^/]+');
      patterns.push({ page: route.path, pattern: new RegExp(`^${source}/?$`) });
    }
  }
  // Next lists its dynamic routes most specific first; the REST ones above are the same routes.
  for (const route of dynamicRoutes) {
    patterns.push({ page: route.page, pattern: new RegExp(route.regex) });
  }
  return { exact, patterns };
}

let table: RouteTable | undefined;

/** The route pattern a request target belongs to, or "unmatched". */
export function labelRoute(target: string): string {
  table ??= buildTable();
  const query = target.indexOf('?');
  const pathname = query === -1 ? target : target.slice(0, query);
  if (pathname.startsWith(NEXT_ASSETS)) return '/_next/*';
  const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const exact = table.exact.get(trimmed);
  if (exact) return exact;
  return table.patterns.find(({ pattern }) => pattern.test(pathname))?.page ?? UNMATCHED;
}
