import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SERVER_ENDPOINTS } from '@/server/http/server-endpoints';

// The app's REST routes and server actions, found by walking app/ as Next does: the
// authorization matrix and the fuzz suite both start from here, so a new route file or action
// is covered by both without anyone listing it.

const root = path.resolve(import.meta.dirname, '../..');
export const APP_DIR = path.join(root, 'app');

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

export interface DiscoveredAction {
  /** The 'use server' file under the project, e.g. app/admin/users/actions.ts */
  file: string;
  name: string;
}

export function listAppFiles(name: string, dir = APP_DIR): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return listAppFiles(name, full);
      return entry === name ? [full] : [];
    })
    .sort();
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

export function discoverActions(): DiscoveredAction[] {
  return listAppFiles('actions.ts').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/export async function (\w+)/g)].map((match) => ({
      file: path.relative(root, file),
      name: match[1]!,
    })),
  );
}

/** The dynamic segments of a route file (`[id]`, `[name]`) read from a URL path, as Next does. */
export function paramsOf(route: string, pathname: string): Record<string, string> {
  const pattern = route
    .replace(/\/?route\.ts$/, '')
    .split('/')
    .map((segment) =>
      segment.startsWith('[...')
        ? '.*'
        : segment.startsWith('[')
          ? `(?<${segment.slice(1, -1)}>[^/]+)`
          : segment,
    )
    .join('/');
  return new RegExp(`^/${pattern}$`).exec(pathname)?.groups ?? {};
}
