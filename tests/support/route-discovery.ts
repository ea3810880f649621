import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isServerAction, type ServerAction } from '@/server/actions/define-action';
import { SERVER_ENDPOINTS } from '@/server/http/server-endpoints';

// The app's REST routes, found by walking app/ as Next does, and its server actions, the exports
// of every server/**/*-actions.ts module: the authorization matrix and the fuzz suite both start
// from here, so a new route file or action is covered by both without anyone listing it.

const root = path.resolve(import.meta.dirname, '../..');
export const APP_DIR = path.join(root, 'app');
export const SERVER_DIR = path.join(root, 'server');

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
  /** The 'use server' module under the project, e.g. server/auth/account-actions.ts */
  file: string;
  /** Its export's name, which is its definition's name. */
  name: string;
  action: ServerAction<unknown[]>;
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

/** Whether a module's first statement is the 'use server' directive. */
export const isUseServerModule = (source: string) =>
  /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/.test(source);

export const ACTION_MODULE = /-actions\.ts$/;

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

/**
 * Every server action: each export of each *-actions.ts module under server/, all of which must be
 * 'use server' modules exporting only actions made by defineAction under their own name.
 */
export async function discoverActions(): Promise<DiscoveredAction[]> {
  const modules = listFiles((entry) => ACTION_MODULE.test(entry), SERVER_DIR);
  const found = await Promise.all(
    modules.map(async (file) => {
      const relative = path.relative(root, file);
      if (!isUseServerModule(readFileSync(file, 'utf8')))
        throw new Error(`${relative} must start with 'use server': its exports are the actions`);
      const exports = Object.entries((await import(file)) as Record<string, unknown>);
      return exports.map(([name, action]) => {
        if (!isServerAction(action) || action.definition.name !== name)
          throw new Error(`${relative}: ${name} is not defineAction({ name: '${name}', ... })`);
        return { file: relative, name, action };
      });
    }),
  );
  return found.flat();
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
