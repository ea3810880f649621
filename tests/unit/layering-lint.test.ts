import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layering rules in eslint.config.mjs, run on one-line files at the paths they guard, so a
// rule that stops matching (a moved folder, a renamed option) fails here instead of passing
// everything. The imported modules must exist: the rule checks resolved paths.

const root = path.resolve(import.meta.dirname, '../..');
const LAYERING_RULES = new Set([
  'import/no-restricted-paths',
  'no-restricted-imports',
  'no-restricted-syntax',
]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layering rules that `code`, saved as `filePath`, breaks. */
async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId !== null && LAYERING_RULES.has(message.ruleId))
    .map((message) => message.ruleId!);
}

function findFirst(dir: string, pattern: RegExp): string {
  const file = readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => name.replaceAll('\\', '/'))
    .find((name) => pattern.test(name));
  if (!file) throw new Error(`no file matching ${pattern} under ${dir}/`);
  return `@/${dir}/${file.replace(/\.tsx?$/, '')}`;
}

describe('layering lint rules', { timeout: 60_000 }, () => {
  it('stop components and lib from importing server/, by alias, relative path or type', async () => {
    const server = "import { getPrisma } from '@/server/infra/clients';\nvoid getPrisma;\n";
    expect(await layeringErrors('components/x.tsx', server)).toEqual([
      'import/no-restricted-paths',
    ]);
    expect(await layeringErrors('lib/x.ts', server)).toEqual(['import/no-restricted-paths']);
    const relativeType =
      "import type { Principal } from '../server/auth/principal';\nexport type P = Principal;\n";
    expect(await layeringErrors('components/x.tsx', relativeType)).toEqual([
      'import/no-restricted-paths',
    ]);
  });

  it('let components import a server action module (server/**/<x>-actions.ts)', async () => {
    const actions = findFirst('server', /-actions\.ts$/);
    const code = `import * as actions from '${actions}';\nvoid actions;\n`;
    expect(await layeringErrors('components/x.tsx', code)).toEqual([]);
  });

  it('stop lib from importing components or app', async () => {
    const component = "import { SiteHeader } from '@/components/site-header';\nvoid SiteHeader;\n";
    expect(await layeringErrors('lib/x.ts', component)).toEqual(['import/no-restricted-paths']);
    const page = "import Page from '../app/page';\nvoid Page;\n";
    expect(await layeringErrors('lib/x.ts', page)).toEqual(['import/no-restricted-paths']);
  });

  it('stop components from importing app (actions live in server/**/<x>-actions.ts)', async () => {
    const page = "import Page from '@/app/page';\nvoid Page;\n";
    expect(await layeringErrors('components/x.tsx', page)).toEqual(['import/no-restricted-paths']);
  });

  it('stop the web side, not the worker side, from importing worker-only code', async () => {
    const worker =
      "import { startTaskWorker } from '@/worker/task-worker';\nvoid startTaskWorker;\n";
    for (const file of ['app/x.tsx', 'components/x.tsx', 'server/x.ts', 'server/tasks/x.ts']) {
      expect(await layeringErrors(file, worker), file).toEqual(['import/no-restricted-paths']);
    }
    expect(await layeringErrors('server/attempts/x.ts', worker)).toEqual([]);
    expect(await layeringErrors('worker/x.ts', worker)).toEqual([]);
  });

  // server/attempts/ holds what runs an attempt (issue 15, item 5); until it exists there is no
  // module to resolve, and the rule skips an import it cannot resolve.
  it.skipIf(!existsSync(path.join(root, 'server/attempts')))(
    'stop the web side from importing server/attempts/',
    async () => {
      const attempt = findFirst('server/attempts', /\.ts$/);
      const code = `import * as attempt from '${attempt}';\nvoid attempt;\n`;
      expect(await layeringErrors('server/tasks/x.ts', code)).toEqual([
        'import/no-restricted-paths',
      ]);
      expect(await layeringErrors('worker/x.ts', code)).toEqual([]);
    },
  );

  it('allow a processor only through a lazy import()', async () => {
    const processor = findFirst('server/tasks/types', /-processor\.ts$/);
    const eager = `import * as processor from '${processor}';\nvoid processor;\n`;
    expect(await layeringErrors('server/tasks/x.ts', eager)).toEqual(['no-restricted-imports']);
    expect(await layeringErrors('worker/x.ts', eager)).toEqual(['no-restricted-imports']);
    const lazy = `export const load = () => import('${processor}');\n`;
    expect(await layeringErrors('server/tasks/x.ts', lazy)).toEqual([]);
  });

  it('require ClientButton for a button with a click handler in app/ and components/', async () => {
    const plain = `'use client';\nexport const B = () => <button type="button" onClick={() => {}}>b</button>;\n`;
    expect(await layeringErrors('components/x.tsx', plain)).toEqual(['no-restricted-syntax']);
    expect(await layeringErrors('app/x/page.tsx', plain)).toEqual(['no-restricted-syntax']);
    const submit = `export const B = () => <button type="submit">b</button>;\n`;
    expect(await layeringErrors('components/x.tsx', submit)).toEqual([]);
    const client = `'use client';\nimport { ClientButton } from '@/components/client-button';\nexport const B = () => <ClientButton onClick={() => {}}>b</ClientButton>;\n`;
    expect(await layeringErrors('components/x.tsx', client)).toEqual([]);
  });
});
