import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SERVER_ENDPOINTS } from '@/server/http/server-endpoints';

// The app's REST routes, found by walking app/ as Next does, and the web process's own
// endpoints. Apart from route-discovery.ts (which adds the server actions) so that plain-Node
// scripts can list routes without loading the 'server-only' modules actions reach.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const APP_DIR = path.join(ROOT, 'app');
export const SERVER_DIR = path.join(ROOT, 'server');

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface DiscoveredRoute {
  /** The route file under app/, e.g. api/v1/tasks/[id]/route.ts */
  route: string;
  file: string;
  /** The URL path with its dynamic segments, e.g. /api/v1/tasks/[id] */
  urlPath: string;
  /** Its segment names in order: ['id'] */
  params: string[];
  /** The methods the file exports. */
  methods: string[];
}

/** The files under `dir` whose name passes `matches`, in a stable order. */
export function listFiles(matches: (entry: string) => boolean, dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return listFiles(matches, full);
      return matches(entry) ? [full] : [];
    })
    .sort();
}

export function listAppFiles(name: string, dir = APP_DIR): string[] {
  return listFiles((entry) => entry === name, dir);
}

const EXPORTED_METHOD =
  /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;

export function discoverRoutes(): DiscoveredRoute[] {
  return listAppFiles('route.ts').map((file) => {
    const route = path.relative(APP_DIR, file);
    const urlPath = '/' + route.replace(/\/?route\.ts$/, '');
    const source = readFileSync(file, 'utf8');
    return {
      route,
      file,
      urlPath,
      params: [...urlPath.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((match) => match[1]!),
      methods: [...new Set([...source.matchAll(EXPORTED_METHOD)].map((match) => match[1]!))],
    };
  });
}

export interface DiscoveredEndpoint {
  /** The module that answers it, e.g. server/metrics/metrics-endpoint.ts */
  source: string;
  urlPath: string;
  methods: string[];
}

/**
 * The endpoints the web process answers before Next (uploads, /metrics): server/main.ts
 * serves them only from this table, so none escapes the matrix and the fuzz suite.
 */
export function discoverServerEndpoints(): DiscoveredEndpoint[] {
  return SERVER_ENDPOINTS.map((endpoint) => ({
    source: endpoint.source,
    urlPath: endpoint.path,
    methods: [...endpoint.methods],
  }));
}

export interface DiscoveredPage {
  /** The page file under app/, e.g. tasks/[id]/page.tsx */
  page: string;
  /** The URL path with its dynamic segments, e.g. /tasks/[id] ('/' for app/page.tsx) */
  urlPath: string;
  params: string[];
}

/** Every page of the app (each app/**\/page.tsx), so a page added later is audited too. */
export function discoverPages(): DiscoveredPage[] {
  return listAppFiles('page.tsx').map((file) => {
    const page = path.relative(APP_DIR, file);
    const urlPath =
      '/' +
      page
        .replace(/\/?page\.tsx$/, '')
        .split('/')
        // Route groups `(name)` are not part of the URL.
        .filter((segment) => !/^\(.*\)$/.test(segment))
        .join('/');
    return {
      page,
      urlPath: urlPath.replace(/\/+$/, '') || '/',
      params: [...urlPath.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((match) => match[1]!),
    };
  });
}
