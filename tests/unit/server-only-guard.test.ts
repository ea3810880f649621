import { readFileSync } from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

// `import 'server-only'` marks a module that runs only inside Next's server bundles (pages,
// routes, server actions): Next refuses it in a client component, and anywhere else (plain
// Node: server/main.ts and the bundled dist server, the worker, scripts) it throws on load. This
// finds such a module reached from a plain-Node entry before a process crashes on it, lazy
// import() calls included (they load it too, only later).

const root = path.resolve(import.meta.dirname, '../..');

async function readRuntimeGraph(): Promise<Record<string, string[]>> {
  const skip = { skipTypeImports: true, skipAsyncImports: false };
  const graph = await madge(
    ['app', 'server', 'worker', 'scripts', 'lib'].map((dir) => path.join(root, dir)),
    {
      baseDir: root,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(root, 'tsconfig.json'),
      excludeRegExp: [/lib[\\/]generated[\\/]/],
      detectiveOptions: { ts: skip, tsx: skip },
    },
  );
  return graph.obj();
}

/** Each file reached from the entries, with the chain that reaches it. */
function reachFrom(graph: Record<string, string[]>, entries: string[]): Map<string, string> {
  const chains = new Map(entries.map((entry) => [entry, entry]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of graph[file] ?? []) {
      if (chains.has(next)) continue;
      chains.set(next, `${chains.get(file)} → ${next}`);
      queue.push(next);
    }
  }
  return chains;
}

function guardedChains(chains: Map<string, string>): string[] {
  return [...chains]
    .filter(([file]) =>
      /^import 'server-only';$/m.test(readFileSync(path.join(root, file), 'utf8')),
    )
    .map(([, chain]) => chain);
}

describe('server-only modules', { timeout: 60_000 }, () => {
  const graph = readRuntimeGraph();

  it('are reached from Next: the page principal, from the root layout', async () => {
    const chains = reachFrom(await graph, ['app/layout.tsx']);
    expect(guardedChains(chains)).toEqual(['app/layout.tsx → server/auth/page-principal.ts']);
  });

  it('are not reached from a plain-Node process', async () => {
    const entries = Object.keys(await graph).filter(
      (file) => file === 'server/main.ts' || /^(worker|scripts)\//.test(file),
    );
    expect(entries).toContain('worker/main.ts');
    expect(guardedChains(reachFrom(await graph, entries))).toEqual([]);
  });
});
