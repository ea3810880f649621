import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isServerAction, type ServerAction } from '@/server/actions/define-action';
import { listFiles, ROOT, SERVER_DIR } from './route-files';

export * from './route-files';

// The app's REST routes, found by walking app/ as Next does, and its server actions, the exports
// of every server/**/*-actions.ts module: the authorization matrix and the fuzz suite both start
// from here, so a new route file or action is covered by both without anyone listing it.

export interface DiscoveredAction {
  /** The 'use server' module under the project, e.g. server/auth/account-actions.ts */
  file: string;
  /** Its export's name, which is its definition's name. */
  name: string;
  action: ServerAction<unknown[]>;
}

/** Whether a module's first statement is the 'use server' directive. */
export const isUseServerModule = (source: string) =>
  /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/.test(source);

export const ACTION_MODULE = /-actions\.ts$/;

/**
 * Every server action: each export of each *-actions.ts module under server/, all of which must be
 * 'use server' modules exporting only actions made by defineAction under their own name.
 */
export async function discoverActions(): Promise<DiscoveredAction[]> {
  const modules = listFiles((entry) => ACTION_MODULE.test(entry), SERVER_DIR);
  const found = await Promise.all(
    modules.map(async (file) => {
      const relative = path.relative(ROOT, file);
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
