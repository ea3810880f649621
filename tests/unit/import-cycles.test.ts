import path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

// No runtime import cycles among our sources (issue 15): in a cycle, one module runs against
// another's half-initialised exports, and the order the modules happen to load in decides what
// works. Type imports and lazy import() calls load nothing when a module loads, so they may go
// both ways. Break a cycle by moving the piece both sides need to where it belongs, not by
// turning an import lazy.

const root = path.resolve(import.meta.dirname, '../..');
const SOURCES = ['app', 'components', 'lib', 'server', 'worker', 'scripts'];
const FIXTURE = 'tests/fixtures/import-cycle';

async function readImportGraph(dirs: string[], { runtimeOnly }: { runtimeOnly: boolean }) {
  const skip = { skipTypeImports: runtimeOnly, skipAsyncImports: runtimeOnly };
  return madge(
    dirs.map((dir) => path.join(root, dir)),
    {
      baseDir: root,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(root, 'tsconfig.json'),
      // The generated Prisma client is not ours to arrange.
      excludeRegExp: [/lib[\\/]generated[\\/]/],
      detectiveOptions: { ts: skip, tsx: skip },
    },
  );
}

function showCycles(cycles: string[][]): string[] {
  return cycles.map((cycle) => [...cycle, cycle[0]].join(' → '));
}

describe('runtime import cycles', () => {
  it('are found: the fixture has one, beside a type-only and a lazy one that are not', async () => {
    const graph = await readImportGraph([FIXTURE], { runtimeOnly: true });
    expect(showCycles(graph.circular())).toEqual([
      `${FIXTURE}/cycle-a.ts → ${FIXTURE}/cycle-b.ts → ${FIXTURE}/cycle-a.ts`,
    ]);
  });

  it('skip only what loads nothing: counting types and lazy imports, the fixture has three', async () => {
    const graph = await readImportGraph([FIXTURE], { runtimeOnly: false });
    expect(graph.circular()).toHaveLength(3);
  });

  it('are none among our sources', async () => {
    const graph = await readImportGraph(SOURCES, { runtimeOnly: true });
    // An import madge could not resolve would hide its edges: every one of ours must resolve
    // (packages are not followed, so their names may appear here).
    const unresolvedOfOurs = graph
      .warnings()
      .skipped.filter((specifier) => specifier.startsWith('@/') || specifier.startsWith('.'));
    expect(unresolvedOfOurs).toEqual([]);
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(300);
    expect(
      showCycles(graph.circular()),
      'runtime import cycles: move the piece both sides need to where it belongs',
    ).toEqual([]);
  }, 60_000);
});
